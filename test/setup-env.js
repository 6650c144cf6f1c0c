// jsforce reads HTTP(S)_PROXY when it is loaded and ignores NO_PROXY; every test talks to the
// sandbox org on loopback, so the proxy variables are cleared before anything loads jsforce.
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']) {
	delete process.env[name];
}
