/** The part of Session that decides permissions. */
export interface PermissionHooks {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

/**
 * The sheet needs no camera, location, notifications, clipboard-read prompt or anything else a
 * page can ask for, so every request and every check is answered "no". Copy and paste still
 * work: they go through the DOM copy/paste events, which need no permission.
 */
export function denyAllPermissions(session: PermissionHooks): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
