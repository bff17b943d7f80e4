/** Loads the real undici; call before anything uses ProxyAgent or fetch from the bundle. */
export declare function loadUndici(): Promise<void>;
export declare class ProxyAgent {
  constructor(...args: unknown[]);
}
export declare function fetch(...args: unknown[]): Promise<Response>;
