import type { ITheme } from '@xterm/xterm';
import type { ResolvedTheme } from '~/theme/theme-preference';

/** The terminal's colours, resolved from globals.css (see useCssColors). */
export const terminalColorNames = [
  '--terminal-bg',
  '--terminal-fg',
  '--terminal-cursor',
  '--terminal-selection',
] as const;

export type TerminalColors = Record<(typeof terminalColorNames)[number], string>;

/** ANSI colours tuned for contrast on each background: the dark set is VS Code's. */
const ansi: Record<ResolvedTheme, ITheme> = {
  dark: {
    black: '#000000',
    red: '#cd3131',
    green: '#0dbc79',
    yellow: '#e5e510',
    blue: '#2472c8',
    magenta: '#bc3fbc',
    cyan: '#11a8cd',
    white: '#e5e5e5',
    brightBlack: '#666666',
    brightRed: '#f14c4c',
    brightGreen: '#23d18b',
    brightYellow: '#f5f543',
    brightBlue: '#3b8eea',
    brightMagenta: '#d670d6',
    brightCyan: '#29b8db',
    brightWhite: '#e5e5e5',
  },
  light: {
    black: '#000000',
    red: '#cd3131',
    green: '#00bc00',
    yellow: '#949800',
    blue: '#0451a5',
    magenta: '#bc05bc',
    cyan: '#0598bc',
    white: '#555555',
    brightBlack: '#666666',
    brightRed: '#cd3131',
    brightGreen: '#14ce14',
    brightYellow: '#b5ba00',
    brightBlue: '#0451a5',
    brightMagenta: '#bc05bc',
    brightCyan: '#0598bc',
    brightWhite: '#a5a5a5',
  },
};

export function terminalTheme(colors: TerminalColors, theme: ResolvedTheme): ITheme {
  return {
    ...ansi[theme],
    background: colors['--terminal-bg'],
    foreground: colors['--terminal-fg'],
    cursor: colors['--terminal-cursor'],
    cursorAccent: colors['--terminal-bg'],
    selectionBackground: colors['--terminal-selection'],
  };
}
