import * as v from 'valibot';
import { HttpUrl, Name, ShortText } from './fields';

/** An API endpoint family (OpenAI-compatible, Anthropic, a local server, ...). */
export const ProviderSchema = v.strictObject({
  name: Name,
  baseUrl: HttpUrl,
  models: v.pipe(v.array(ShortText), v.maxLength(500, 'must list at most 500 models')),
  /** Header that carries the API key, e.g. `Authorization` or `x-api-key`. */
  authHeader: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name such as Authorization'),
  ),
});
