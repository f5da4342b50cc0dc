/**
 * The widget's stylesheet, adopted by its shadow root as a constructable
 * stylesheet: no `<style>` text and no `style` attributes, so it runs under a
 * strict `style-src` CSP. Site owners theme it with `--parley-*` custom
 * properties set on the host element (they inherit through the shadow boundary).
 * The "new comments" bar is 0 px tall so its pill floats over the list without
 * moving it; `align-items:flex-start` keeps the pill at its own height (the
 * default `stretch` squashed it to the bar's 0 px).
 */

const LIGHT = `--_bg:var(--parley-bg,#fff);--_fg:var(--parley-fg,#1f2328);--_muted:var(--parley-muted,#59636e);--_line:var(--parley-border,#d5dae0);--_soft:var(--parley-soft,#f4f6f8);--_accent:var(--parley-accent,#0a58ca);--_on-accent:var(--parley-on-accent,#fff);--_danger:var(--parley-danger,#b42318);--_warn:var(--parley-warn,#8a5300);`;
const DARK = `--_bg:var(--parley-bg,#16181d);--_fg:var(--parley-fg,#e6e8eb);--_muted:var(--parley-muted,#a4adb8);--_line:var(--parley-border,#343a43);--_soft:var(--parley-soft,#1f232a);--_accent:var(--parley-accent,#79b4ff);--_on-accent:var(--parley-on-accent,#0b1220);--_danger:var(--parley-danger,#ff8a80);--_warn:var(--parley-warn,#f5c46b);`;

/** The CSS text of the widget. */
export const WIDGET_CSS = `
:host{display:block!important;all:initial;contain:content}
.p{${LIGHT}color-scheme:light;display:block;background:var(--_bg);color:var(--_fg);font-family:var(--parley-font,system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif);font-size:var(--parley-font-size,16px);line-height:1.5;text-align:left;padding:var(--parley-padding,0);border-radius:var(--parley-radius,10px)}
.p[data-theme=dark]{${DARK}color-scheme:dark}
@media (prefers-color-scheme:dark){.p:not([data-theme=light]){${DARK}color-scheme:dark}}
.p *,.p *::before,.p *::after{box-sizing:border-box;font:inherit;color:inherit;letter-spacing:normal}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.mydata{font-size:.85em;color:var(--_muted);margin:-.5em 0 1.25em}
.mydata summary{cursor:pointer}
.mydata button{margin:.4em .6em 0 0}
button,textarea,input,select{font:inherit;color:var(--_fg);margin:0}
button{cursor:pointer;background:none;border:0;padding:.25em .5em;border-radius:6px;display:inline-flex;align-items:center;gap:.35em}
button:disabled{cursor:not-allowed;opacity:.6}
:focus-visible{outline:2px solid var(--_accent);outline-offset:2px}
.head{display:flex;flex-wrap:wrap;align-items:center;gap:.5em 1em;padding-bottom:.75em;border-bottom:1px solid var(--_line);margin-bottom:1em}
.count{font-size:1.25em;font-weight:700;margin:0;display:block}
.presence{color:var(--_muted);font-size:.875em;display:inline-flex;align-items:center;gap:.4em}
.presence::before{content:"";width:.5em;height:.5em;border-radius:50%;background:#1a7f37}
.sort{margin-left:auto;display:inline-flex;border:1px solid var(--_line);border-radius:8px;padding:2px}
.sort button{font-size:.875em;color:var(--_muted);padding:.2em .7em}
.sort button[aria-pressed=true]{background:var(--_soft);color:var(--_fg);font-weight:600}
.notice{padding:.6em .9em;border-radius:8px;background:var(--_soft);color:var(--_fg);margin:0 0 1em;font-size:.925em;display:block}
.conn{color:var(--_warn);font-size:.875em}
form{display:block;margin:0 0 1.25em}
.field{display:block;margin-bottom:.6em}
.field label,.lbl{display:block;font-weight:600;font-size:.9em;margin-bottom:.3em}
.field.check{display:flex;gap:.4em;align-items:center}.field.check label{display:inline;font-weight:400;margin:0}
textarea,input[type=text]{display:block;width:100%;background:var(--_bg);border:1px solid var(--_line);border-radius:8px;padding:.6em .75em}
textarea{min-height:6em;resize:vertical}
textarea:focus,input[type=text]:focus{border-color:var(--_accent)}
.meta{display:flex;flex-wrap:wrap;align-items:center;gap:.5em 1em;margin-top:.4em;font-size:.8em;color:var(--_muted)}
.hints{flex:1 1 auto;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em}
.counter[data-over]{color:var(--_danger);font-weight:700}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5em;margin-top:.6em}
.as{color:var(--_muted);font-size:.875em;margin-right:auto}
.primary{background:var(--_accent);color:var(--_on-accent);font-weight:600;padding:.5em 1.1em;border-radius:8px}
.primary:hover:not(:disabled){filter:brightness(1.08)}
.secondary{border:1px solid var(--_line);padding:.45em 1em;border-radius:8px}
.error{color:var(--_danger);font-size:.875em;display:block}
.newbar{position:sticky;top:.5em;height:0;z-index:3;display:flex;justify-content:center;align-items:flex-start;overflow:visible}
.new{flex:none;min-height:2.25em;line-height:1.25;white-space:nowrap;max-width:calc(100% - 1em);overflow:hidden;text-overflow:ellipsis;background:var(--_accent);color:var(--_on-accent);font-weight:600;font-size:.875em;padding:.5em 1.1em;border-radius:999px;box-shadow:0 2px 10px rgba(0,0,0,.2)}
.feed{color:var(--_muted);font-size:.875em;display:inline-flex;align-items:center;gap:.3em;text-decoration:none;border-radius:6px;padding:.1em .3em}
.feed:hover{color:var(--_accent);text-decoration:underline}
.feed svg{width:1em;height:1em;fill:currentColor}
ol{list-style:none;margin:0;padding:0;display:block}
li{display:block;margin:0;padding:0}
.c{padding:.9em 0;border-top:1px solid var(--_line)}
.list>.c:first-child{border-top:0}
.replies{margin-left:1.25em;padding-left:1em;border-left:2px solid var(--_line)}
.replies .c{border-top:0;padding:.6em 0}
.ch{display:flex;flex-wrap:wrap;align-items:center;gap:.25em .6em;font-size:.9em}
.av{width:2em;height:2em;border-radius:50%;background:var(--_soft);border:1px solid var(--_line);display:inline-flex;align-items:center;justify-content:center;font-weight:700;font-size:.85em;color:var(--_muted)}
.author{font-weight:700}
.badge{font-size:.75em;border:1px solid var(--_line);border-radius:999px;padding:0 .5em;color:var(--_muted)}
.p time,.edited{color:var(--_muted);font-size:.875em}
.state{font-size:.8em;font-weight:600;border-radius:999px;padding:.05em .6em;background:var(--_soft);color:var(--_warn)}
.state[data-kind=failed]{color:var(--_danger)}
.body{margin:.35em 0 .2em;overflow-wrap:anywhere}
.body p,.body ul,.body ol,.body blockquote,.body pre{margin:.4em 0;display:block}
.body ul,.body ol{padding-left:1.4em}.body ul li{list-style:disc;display:list-item}.body ol li{list-style:decimal;display:list-item}
.body a{color:var(--_accent);text-decoration:underline;display:inline}
.body strong{font-weight:700}.body em{font-style:italic}
.body code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:var(--_soft);border-radius:4px;padding:.05em .3em}
.body pre{background:var(--_soft);padding:.6em .8em;border-radius:8px;overflow:auto}
.body pre code{padding:0;background:none}
.body blockquote{border-left:3px solid var(--_line);padding-left:.8em;color:var(--_muted)}
.raw{white-space:pre-wrap}
.tomb{font-style:italic;color:var(--_muted)}
.acts{display:flex;flex-wrap:wrap;gap:.15em;margin-left:-.5em;font-size:.85em;color:var(--_muted)}
.acts button:hover:not(:disabled){background:var(--_soft);color:var(--_fg)}
.like[aria-pressed=true]{color:var(--_accent);font-weight:700}
.like svg{width:1.1em;height:1.1em;fill:none;stroke:currentColor;stroke-width:2}
.like[aria-pressed=true] svg{fill:currentColor}
.danger{color:var(--_danger)}
.acts .danger[data-confirm]{background:var(--_danger);color:var(--_bg)}
.slot form{margin:.6em 0 .4em}
.slot textarea{min-height:4.5em}
.more,.showrep{color:var(--_accent);font-weight:600;font-size:.9em;padding:.4em .2em}
.more{display:flex;margin:1em auto 0;border:1px solid var(--_line);padding:.5em 1.2em;border-radius:8px}
.status{color:var(--_muted);padding:1em 0;display:block}
`;

let shared: CSSStyleSheet | null = null;

/** The one constructable stylesheet every widget instance on the page adopts. */
export function widgetSheet(): CSSStyleSheet {
  if (!shared) {
    shared = new CSSStyleSheet();
    shared.replaceSync(WIDGET_CSS);
  }
  return shared;
}
