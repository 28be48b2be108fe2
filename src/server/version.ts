/** The server's version, from package.json, advertised in GET /v1/info. */
import pkg from '../../package.json' with { type: 'json' };

export const SERVER_VERSION: string = pkg.version;
