export declare const HUB_ORIGINS: string[];
export declare function hubOrigins(env?: Record<string, string | undefined>): string[];
export declare function contentSecurityPolicy(options?: { meta?: boolean; hubs?: string[] }): string;
