import { themeStorageKey } from './theme-preference';

/**
 * Runs in <head> before the first paint: applies a stored light/dark choice so a user who
 * picked the opposite of their system theme never sees a flash of the wrong one.
 */
export const themeScript = `try{var t=localStorage.getItem(${JSON.stringify(themeStorageKey)});if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;
