/**
 * Every text the widget shows, in English and Spanish. Site owners replace any
 * of them with `texts`; plural texts hold "one|other" forms and `{n}`.
 */

/** The replaceable texts of the widget. */
export interface WidgetTexts {
  region: string;
  count: string;
  loading: string;
  loadFailed: string;
  empty: string;
  sortLabel: string;
  newest: string;
  oldest: string;
  top: string;
  reading: string;
  newComments: string;
  announceNew: string;
  loadMore: string;
  showReplies: string;
  label: string;
  placeholder: string;
  hints: string;
  nameLabel: string;
  signedInAs: string;
  post: string;
  reply: string;
  cancel: string;
  save: string;
  edit: string;
  delete: string;
  confirmDelete: string;
  flag: string;
  flagReason: string;
  flagSend: string;
  flagged: string;
  like: string;
  sending: string;
  failed: string;
  retry: string;
  pending: string;
  edited: string;
  deleted: string;
  guest: string;
  moderator: string;
  locked: string;
  needName: string;
  guestsOff: string;
  posted: string;
  /** Live-region text while the widget proves work for the site's spam check. */
  workStarted: string;
  workReady: string;
  yourData: string;
  downloadData: string;
  eraseData: string;
  eraseConfirm: string;
  erased: string;
  honeypotLabel: string;
  reconnecting: string;
  justNow: string;
  tooLong: string;
}

/** English (the default). */
export const en: WidgetTexts = {
  region: 'Comments',
  count: '{n} comment|{n} comments',
  loading: 'Loading comments…',
  loadFailed: 'Comments could not be loaded.',
  empty: 'No comments yet. Start the conversation.',
  sortLabel: 'Sort comments',
  newest: 'Newest',
  oldest: 'Oldest',
  top: 'Top',
  reading: '{n} reading now|{n} reading now',
  newComments: '{n} new comment — show|{n} new comments — show',
  announceNew: '{n} new comment|{n} new comments',
  loadMore: 'Load more comments',
  showReplies: 'Show {n} reply|Show {n} replies',
  label: 'Your comment',
  placeholder: 'Share your thoughts…',
  hints: '**bold**  *italic*  `code`  [link](https://…)  > quote  - list · Ctrl+Enter to post',
  nameLabel: 'Your name',
  signedInAs: 'Commenting as {name}',
  post: 'Post comment',
  reply: 'Reply',
  cancel: 'Cancel',
  save: 'Save',
  edit: 'Edit',
  delete: 'Delete',
  confirmDelete: 'Confirm delete',
  flag: 'Report',
  flagReason: 'Why are you reporting this comment?',
  flagSend: 'Send report',
  flagged: 'Reported. Thank you.',
  like: 'Like',
  sending: 'Sending…',
  failed: 'Not sent: {reason}',
  retry: 'Retry',
  pending: 'Awaiting moderation',
  edited: 'edited',
  deleted: 'This comment was deleted.',
  guest: 'guest',
  moderator: 'moderator',
  locked: 'Comments on this page are closed.',
  needName: 'Enter your name to comment.',
  guestsOff: 'Sign in to join the conversation.',
  posted: 'Your comment was posted.',
  workStarted: 'Preparing the spam check in the background.',
  workReady: 'Spam check ready.',
  yourData: 'Your data',
  downloadData: 'Download my data',
  eraseData: 'Delete my data',
  eraseConfirm: 'Delete your comments, name and reactions on this site? This cannot be undone.',
  erased: 'Your data was deleted.',
  honeypotLabel: 'Leave this field empty',
  reconnecting: 'Reconnecting…',
  justNow: 'just now',
  tooLong: 'Too long',
};

/** Spanish. */
export const es: WidgetTexts = {
  region: 'Comentarios',
  count: '{n} comentario|{n} comentarios',
  loading: 'Cargando comentarios…',
  loadFailed: 'No se pudieron cargar los comentarios.',
  empty: 'Aún no hay comentarios. Empieza la conversación.',
  sortLabel: 'Ordenar comentarios',
  newest: 'Recientes',
  oldest: 'Antiguos',
  top: 'Destacados',
  reading: '{n} persona leyendo|{n} personas leyendo',
  newComments: '{n} comentario nuevo — ver|{n} comentarios nuevos — ver',
  announceNew: '{n} comentario nuevo|{n} comentarios nuevos',
  loadMore: 'Cargar más comentarios',
  showReplies: 'Ver {n} respuesta|Ver {n} respuestas',
  label: 'Tu comentario',
  placeholder: 'Comparte tu opinión…',
  hints: '**negrita**  *cursiva*  `código`  [enlace](https://…)  > cita  - lista · Ctrl+Enter para publicar',
  nameLabel: 'Tu nombre',
  signedInAs: 'Comentas como {name}',
  post: 'Publicar',
  reply: 'Responder',
  cancel: 'Cancelar',
  save: 'Guardar',
  edit: 'Editar',
  delete: 'Eliminar',
  confirmDelete: 'Confirmar',
  flag: 'Denunciar',
  flagReason: '¿Por qué denuncias este comentario?',
  flagSend: 'Enviar denuncia',
  flagged: 'Denuncia enviada. Gracias.',
  like: 'Me gusta',
  sending: 'Enviando…',
  failed: 'No enviado: {reason}',
  retry: 'Reintentar',
  pending: 'Pendiente de moderación',
  edited: 'editado',
  deleted: 'Este comentario fue eliminado.',
  guest: 'invitado',
  moderator: 'moderador',
  locked: 'Los comentarios de esta página están cerrados.',
  needName: 'Escribe tu nombre para comentar.',
  guestsOff: 'Inicia sesión para participar.',
  posted: 'Tu comentario fue publicado.',
  workStarted: 'Preparando la comprobación antispam en segundo plano.',
  workReady: 'Comprobación antispam lista.',
  yourData: 'Tus datos',
  downloadData: 'Descargar mis datos',
  eraseData: 'Borrar mis datos',
  eraseConfirm: '¿Borrar tus comentarios, tu nombre y tus reacciones en este sitio? No se puede deshacer.',
  erased: 'Tus datos fueron borrados.',
  honeypotLabel: 'Deja este campo vacío',
  reconnecting: 'Reconectando…',
  justNow: 'ahora mismo',
  tooLong: 'Demasiado largo',
};

/** The shipped languages. */
export const LANGUAGES: Record<string, WidgetTexts> = { en, es };

/** Texts for a language (falling back to English), with the site owner's replacements applied. */
export function textsFor(lang: string | undefined, overrides: Partial<WidgetTexts> = {}): WidgetTexts {
  const base = LANGUAGES[(lang ?? 'en').slice(0, 2).toLowerCase()] ?? en;
  return { ...base, ...overrides };
}

/** Fills `{n}` / `{name}`-style placeholders, choosing the plural form by `n`. */
export function fmt(text: string, vars: Record<string, string | number> = {}): string {
  const forms = text.split('|');
  const n = vars.n;
  const form = forms.length > 1 && typeof n === 'number' ? (n === 1 ? forms[0]! : forms[1]!) : forms[0]!;
  return form.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
