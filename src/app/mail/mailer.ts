import type { MessageTransport } from '../../domain/improvement.ts';

/** One email: a plain-text body and, optionally, the same in HTML. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/** What became of a message: the transport that took it and, when it went out, the transport's id for it. */
export interface MailReceipt {
  readonly transport: MessageTransport;
  readonly id?: string;
}

/**
 * How Tend sends email. `smtpMailer` sends over SMTP (`SMTP_URL`); `inboxOnlyMailer` sends nothing
 * (the outbox records the message as "inbox only"). A deployment on GOV.UK Notify supplies its own
 * `Mailer` whose `send` calls Notify's `sendEmail` and answers `{ transport: 'notify', id }` (see
 * README, "Email").
 */
export interface Mailer {
  /** The transport this mailer uses, known before anything is sent (the outbox row records it). */
  readonly transport: MessageTransport;
  send(message: MailMessage): Promise<MailReceipt>;
  /** Releases connections (SMTP keeps none between messages; a no-op for the others). */
  close?(): Promise<void>;
}

/** Sends nothing: without SMTP configured, messages go to the inbox only. */
export const inboxOnlyMailer: Mailer = Object.freeze({
  transport: 'inbox_only' as const,
  async send(): Promise<MailReceipt> {
    return { transport: 'inbox_only' as const };
  },
});

/**
 * A mailer over SMTP with nodemailer (`smtpMailer`): `url` is `smtp://user:pass@host:port`
 * (STARTTLS when the server offers it) or `smtps://…` (TLS from the start). nodemailer is loaded on
 * first use, so commands that send nothing never load it.
 */
export function smtpMailer(url: string, from: string): Mailer {
  let transporter: Promise<import('nodemailer').Transporter> | undefined;
  const open = async () => {
    const nodemailer = (await import('nodemailer')).default;
    return nodemailer.createTransport(url);
  };
  return {
    transport: 'smtp',
    async send(message) {
      transporter ??= open();
      const info = await (await transporter).sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
      });
      return { transport: 'smtp', id: String(info.messageId) };
    },
    async close() {
      if (transporter) (await transporter).close();
    },
  };
}

/** The mailer a configuration asks for (`mailerFor`): SMTP when `SMTP_URL` is set, else the inbox only. */
export function mailerFor(config: { smtpUrl: string | undefined; mailFrom: string }): Mailer {
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : inboxOnlyMailer;
}
