import type { SiteLanguage } from '@parley/protocol';

/** The words of Parley's emails and unsubscribe pages, in one language. */
export interface MailTexts {
  replySubject: (n: number, page: string) => string;
  replyIntro: (n: number) => string;
  replied: (name: string) => string;
  read: string;
  modSubject: (n: number, site: string) => string;
  modIntro: (n: number) => string;
  pending: string;
  flagged: string;
  moderate: string;
  unsubThread: string;
  unsubSite: (site: string) => string;
  unsubMod: string;
  confirmTitle: string;
  confirmButton: string;
  done: string;
  badLink: string;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many.replace('{n}', String(n)));

/** Every language of the widget's catalogs (client-sdk/src/widget/locales), for emails. */
export const MAIL_TEXTS: Record<SiteLanguage, MailTexts> = {
  en: {
    replySubject: (n, page) => plural(n, `New reply on “${page}”`, `{n} new replies on “${page}”`),
    replyIntro: (n) => plural(n, 'Someone replied to your comment:', '{n} new replies to your comments:'),
    replied: (name) => `${name} replied:`,
    read: 'Read the discussion',
    modSubject: (n, site) => plural(n, `A comment needs a look on ${site}`, `{n} comments need a look on ${site}`),
    modIntro: (n) => plural(n, 'One comment is waiting for you:', '{n} comments are waiting for you:'),
    pending: 'Waiting for approval',
    flagged: 'Flagged by a reader',
    moderate: 'Open the moderation page',
    unsubThread: 'Stop emails about this discussion',
    unsubSite: (site) => `Stop all emails from ${site}`,
    unsubMod: 'Stop moderator alerts',
    confirmTitle: 'Unsubscribe',
    confirmButton: 'Unsubscribe',
    done: 'Done: you will get no more of these emails.',
    badLink: 'This unsubscribe link is not valid.',
  },
  es: {
    replySubject: (n, page) => plural(n, `Nueva respuesta en «${page}»`, `{n} respuestas nuevas en «${page}»`),
    replyIntro: (n) => plural(n, 'Alguien respondió a tu comentario:', '{n} respuestas nuevas a tus comentarios:'),
    replied: (name) => `${name} respondió:`,
    read: 'Leer la conversación',
    modSubject: (n, site) =>
      plural(n, `Un comentario necesita revisión en ${site}`, `{n} comentarios necesitan revisión en ${site}`),
    modIntro: (n) => plural(n, 'Un comentario te espera:', '{n} comentarios te esperan:'),
    pending: 'Pendiente de aprobación',
    flagged: 'Denunciado por un lector',
    moderate: 'Abrir la página de moderación',
    unsubThread: 'No recibir más correos de esta conversación',
    unsubSite: (site) => `No recibir ningún correo de ${site}`,
    unsubMod: 'No recibir más avisos de moderación',
    confirmTitle: 'Darse de baja',
    confirmButton: 'Darme de baja',
    done: 'Listo: no recibirás más correos de este tipo.',
    badLink: 'Este enlace de baja no es válido.',
  },
  de: {
    replySubject: (n, page) => plural(n, `Neue Antwort zu „${page}“`, `{n} neue Antworten zu „${page}“`),
    replyIntro: (n) => plural(n, 'Jemand hat auf Ihren Kommentar geantwortet:', '{n} neue Antworten auf Ihre Kommentare:'),
    replied: (name) => `${name} antwortete:`,
    read: 'Zur Diskussion',
    modSubject: (n, site) => plural(n, `Ein Kommentar wartet auf ${site}`, `{n} Kommentare warten auf ${site}`),
    modIntro: (n) => plural(n, 'Ein Kommentar wartet auf Sie:', '{n} Kommentare warten auf Sie:'),
    pending: 'Wartet auf Freigabe',
    flagged: 'Von einem Leser gemeldet',
    moderate: 'Moderation öffnen',
    unsubThread: 'Keine E-Mails mehr zu dieser Diskussion',
    unsubSite: (site) => `Keine E-Mails mehr von ${site}`,
    unsubMod: 'Keine Moderationshinweise mehr',
    confirmTitle: 'Abmelden',
    confirmButton: 'Abmelden',
    done: 'Erledigt: Sie erhalten diese E-Mails nicht mehr.',
    badLink: 'Dieser Abmeldelink ist ungültig.',
  },
  fr: {
    replySubject: (n, page) => plural(n, `Nouvelle réponse sur « ${page} »`, `{n} nouvelles réponses sur « ${page} »`),
    replyIntro: (n) => plural(n, 'Quelqu’un a répondu à votre commentaire :', '{n} nouvelles réponses à vos commentaires :'),
    replied: (name) => `${name} a répondu :`,
    read: 'Lire la discussion',
    modSubject: (n, site) => plural(n, `Un commentaire attend sur ${site}`, `{n} commentaires attendent sur ${site}`),
    modIntro: (n) => plural(n, 'Un commentaire vous attend :', '{n} commentaires vous attendent :'),
    pending: 'En attente d’approbation',
    flagged: 'Signalé par un lecteur',
    moderate: 'Ouvrir la modération',
    unsubThread: 'Ne plus recevoir d’e-mails sur cette discussion',
    unsubSite: (site) => `Ne plus recevoir d’e-mails de ${site}`,
    unsubMod: 'Ne plus recevoir d’alertes de modération',
    confirmTitle: 'Se désabonner',
    confirmButton: 'Me désabonner',
    done: 'C’est fait : vous ne recevrez plus ces e-mails.',
    badLink: 'Ce lien de désabonnement n’est pas valide.',
  },
  it: {
    replySubject: (n, page) => plural(n, `Nuova risposta su «${page}»`, `{n} nuove risposte su «${page}»`),
    replyIntro: (n) => plural(n, 'Qualcuno ha risposto al tuo commento:', '{n} nuove risposte ai tuoi commenti:'),
    replied: (name) => `${name} ha risposto:`,
    read: 'Leggi la discussione',
    modSubject: (n, site) => plural(n, `Un commento da controllare su ${site}`, `{n} commenti da controllare su ${site}`),
    modIntro: (n) => plural(n, 'Un commento ti aspetta:', '{n} commenti ti aspettano:'),
    pending: 'In attesa di approvazione',
    flagged: 'Segnalato da un lettore',
    moderate: 'Apri la moderazione',
    unsubThread: 'Non ricevere più email su questa discussione',
    unsubSite: (site) => `Non ricevere più email da ${site}`,
    unsubMod: 'Non ricevere più avvisi di moderazione',
    confirmTitle: 'Annulla iscrizione',
    confirmButton: 'Annulla iscrizione',
    done: 'Fatto: non riceverai più queste email.',
    badLink: 'Questo link di disiscrizione non è valido.',
  },
  pt: {
    replySubject: (n, page) => plural(n, `Nova resposta em «${page}»`, `{n} novas respostas em «${page}»`),
    replyIntro: (n) => plural(n, 'Alguém respondeu ao seu comentário:', '{n} novas respostas aos seus comentários:'),
    replied: (name) => `${name} respondeu:`,
    read: 'Ler a conversa',
    modSubject: (n, site) =>
      plural(n, `Um comentário precisa de revisão em ${site}`, `{n} comentários precisam de revisão em ${site}`),
    modIntro: (n) => plural(n, 'Um comentário espera por si:', '{n} comentários esperam por si:'),
    pending: 'A aguardar aprovação',
    flagged: 'Denunciado por um leitor',
    moderate: 'Abrir a moderação',
    unsubThread: 'Não receber mais emails desta conversa',
    unsubSite: (site) => `Não receber mais emails de ${site}`,
    unsubMod: 'Não receber mais alertas de moderação',
    confirmTitle: 'Cancelar subscrição',
    confirmButton: 'Cancelar subscrição',
    done: 'Feito: não receberá mais estes emails.',
    badLink: 'Esta ligação de cancelamento não é válida.',
  },
};
