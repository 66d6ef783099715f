/** oidc-provider ships no types; the tests use a small part of it (test/helpers/oidc-provider.ts). */
declare module 'oidc-provider' {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, any>);
    proxy: boolean;
    callback(): (req: any, res: any) => void;
    Grant: any;
    RefreshToken: any;
  }
}
