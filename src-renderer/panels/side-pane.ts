/**
 * The side pane (training curve, settings, tastes) folds away so a narrow window gives the sheet
 * or the Insights map its width (issue 16 item 1). In a window narrower than WIDE_PX it is a
 * drawer over the sheet (styles/app.css) and starts folded, until the user chooses; the choice is
 * remembered per browser profile.
 */
const KEY = 'collabsheet.sidePane';
/** The width where app.css stops making the pane a drawer: beside it the sheet keeps 840 px or more. */
const WIDE_PX = 1200;

export function wireSidePaneToggle(pane: HTMLElement, toggle: HTMLButtonElement): void {
  const show = (open: boolean) => {
    pane.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.setAttribute('aria-label', open ? 'Hide the side pane' : 'Show the side pane');
  };
  const chosen = localStorage.getItem(KEY);
  show(chosen === null ? window.innerWidth >= WIDE_PX : chosen === 'open');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    localStorage.setItem(KEY, open ? 'open' : 'closed');
    show(open);
  });
}
