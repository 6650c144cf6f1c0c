/**
 * The change report's style sheet, inlined into the page: system fonts only (nothing to download), one
 * colour per outcome, readable in n8n's narrow binary viewer and when printed.
 */
export const REPORT_CSS = [
	'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;padding:16px 20px;color:#1f2328;background:#fff}',
	'h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:18px 0 8px}h3{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#57606a;margin:6px 0 2px}',
	'header{border-bottom:1px solid #d0d7de;padding-bottom:10px}',
	'.mode{font-weight:600;margin:4px 0}.mode.dry{color:#0550ae}.mode.live{color:#1a7f37}.mode.trouble{color:#a40e26}',
	'.counts span{display:block;font-size:15px}',
	'table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d0d7de;padding:2px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa;font-weight:600}',
	'table.objects td:not(:first-child){text-align:right}',
	'.issues,.warnings{margin-top:8px}.issues h2{color:#cf222e}.warnings h2{color:#9a6700}',
	'ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:18px}ul.tree{padding-left:0}',
	'li.t{margin:2px 0}summary{cursor:pointer}summary .name{font-weight:600}code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 3px;border-radius:3px}',
	'.rows,.size{color:#57606a;font-size:12px;margin-left:6px}',
	'.body{margin:2px 0 4px 22px}.body:empty{display:none}',
	'.side{display:flex;flex-wrap:wrap;gap:4px 28px}.side ul{margin:0;padding-left:16px}',
	'.mark{display:inline-block;min-width:78px;text-align:center;font-size:12px;font-weight:600;border-radius:10px;padding:0 8px;margin-right:4px;border:1px solid}',
	'.st-created{color:#1a7f37;background:#dafbe1;border-color:#4ac26b}.st-updated{color:#9a6700;background:#fff8c5;border-color:#d4a72c}',
	'.st-moved{color:#0550ae;background:#ddf4ff;border-color:#54aeff}.st-deleted{color:#cf222e;background:#ffebe9;border-color:#ff8182}',
	'.st-unchanged{color:#57606a;background:#f6f8fa;border-color:#d0d7de}.st-failed{color:#fff;background:#cf222e;border-color:#a40e26}',
	'.st-skipped{color:#6e7781;background:#fff;border-color:#8c959f;border-style:dashed}',
	'li.t.st-created,li.t.st-updated,li.t.st-moved,li.t.st-deleted,li.t.st-unchanged,li.t.st-failed,li.t.st-skipped{background:none;border:0;color:inherit}',
	'li.st-deleted>details>summary .name{text-decoration:line-through}',
	'.legend .mark{margin-bottom:4px}',
	'.before{color:#cf222e}.after{color:#1a7f37}',
	'li.add,li.create{color:#1a7f37}li.remove,li.delete{color:#cf222e}li.update{color:#9a6700}',
	'.problem{color:#a40e26;font-weight:600}',
	'@media print{details>*{display:block}}',
].join('');
