import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp.ts';
import { inboxOnlyMailer, mailerFor, smtpMailer } from './mailer.ts';

describe('mailer', () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer();
  });
  after(async () => {
    await smtp.close();
  });

  it('sends over SMTP: the server receives the subject, the text and the HTML, from the configured address', async () => {
    const mailer = smtpMailer(smtp.url, 'tend@example.org');
    const receipt = await mailer.send({
      to: 'someone@example.org',
      subject: 'How did it go?',
      text: 'Plain words.',
      html: '<p>Plain words.</p>',
    });
    await mailer.close?.();
    assert.equal(receipt.transport, 'smtp');
    assert.ok(receipt.id);
    const [mail] = await smtp.waitFor(1);
    assert.equal(mail.subject, 'How did it go?');
    assert.equal(mail.text?.trim(), 'Plain words.');
    assert.match(String(mail.html), /<p>Plain words\.<\/p>/);
    assert.equal(mail.from?.value[0]?.address, 'tend@example.org');
    assert.equal(mail.messageId, receipt.id);
  });

  it('rejects when the SMTP server refuses the credentials', async () => {
    const mailer = smtpMailer(smtp.url.replace('secret', 'wrong'), 'tend@example.org');
    await assert.rejects(mailer.send({ to: 'someone@example.org', subject: 'x', text: 'y' }));
    await mailer.close?.();
  });

  it('without SMTP_URL sends nothing and says the message went to the inbox only', async () => {
    const mailer = mailerFor({ smtpUrl: undefined, mailFrom: 'tend@localhost' });
    assert.equal(mailer, inboxOnlyMailer);
    const before = smtp.received.length;
    assert.deepEqual(await mailer.send({ to: 'a@example.org', subject: 's', text: 't' }), {
      transport: 'inbox_only',
    });
    assert.equal(smtp.received.length, before);
    assert.equal(mailerFor({ smtpUrl: smtp.url, mailFrom: 'tend@localhost' }).transport, 'smtp');
  });
});
