// The official Node SDK's scenario (issue 16), run by tests/test_node_sdk.py: the SDK
// (npm `space-invoices`) unchanged, pointed at Spaceport by its own base URL setting.
// Usage: node scenario.js <base url>; prints one JSON line of what it saw, exits 1 on failure.
"use strict";
const assert = require("assert");
const SpaceInvoices = require("space-invoices");

SpaceInvoices.API_URL = process.argv[2] + "/v1/";

// The SDK parses JSON only when it sent a body; a GET without one answers the raw text.
const parsed = (answer) => (typeof answer === "string" ? JSON.parse(answer) : answer);

async function main() {
  const email = `node-sdk-${Date.now()}@example.com`;
  const password = "a long enough password";

  // COMPAT §1.12: the SDK's own way to sign up sends `Authorization: null`
  const anonymous = new SpaceInvoices(null);
  const account = parsed(await anonymous.accounts.create({ email, password }));
  assert.strictEqual(account.email, email);
  const unique = parsed(await anonymous.accounts.isUnique(email));
  assert.strictEqual(unique.isUnique, false);
  const login = parsed(await anonymous.accounts.login({ email, password }));
  assert.strictEqual(login.userId, account.id);

  const sdk = new SpaceInvoices(login.id);
  const organization = parsed(
    await sdk.organizations.create(account.id, { name: "Rocket Agency", country: "Slovenia" })
  );
  const organizations = parsed(await sdk.organizations.list(account.id));
  assert.deepStrictEqual(organizations.map((o) => o.id), [organization.id]);
  assert.strictEqual(parsed(await sdk.organizations.getById(organization.id)).name, "Rocket Agency");
  const note = parsed(
    await sdk.organizations.createDefault(organization.id, { name: "invoice_note", value: "Hi" })
  );
  // COMPAT §1.10: Defaults are updated through the relation route, with PUT
  const changed = parsed(
    await sdk.organizations.updateDefault(organization.id, note.id, { value: "Thanks" })
  );
  assert.strictEqual(changed.value, "Thanks");

  const client = parsed(
    await sdk.clients.create(organization.id, { name: "Space Inc", email: "space@example.com" })
  );
  parsed(await sdk.clients.edit(client.id, { city: "Ljubljana" }));
  assert.strictEqual(parsed(await sdk.clients.getById(client.id)).city, "Ljubljana");
  assert.strictEqual(parsed(await sdk.clients.list(organization.id)).length, 1);
  assert.strictEqual(parsed(await sdk.clients.search(organization.id, "Space"))[0].id, client.id);

  const document = parsed(
    await sdk.documents.create(organization.id, {
      _documentClient: { name: "Space Inc", country: "Slovenia" },
      _documentItems: [{ name: "Rocket fuel", price: 1000, quantity: 2, unit: "l" }],
    })
  );
  assert.strictEqual(document.total, 2000);
  parsed(await sdk.documents.edit(document.id, { note: "Thank you" }));
  const listed = parsed(
    await sdk.documents.list(organization.id, { filter: { where: { type: "invoice" } } })
  );
  assert.deepStrictEqual(listed.map((d) => d.id), [document.id]);
  assert.strictEqual(parsed(await sdk.documents.getById(document.id)).note, "Thank you");

  const payment = parsed(
    await sdk.payments.create(document.id, { type: "bank", amount: document.totalWithTax })
  );
  assert.strictEqual(payment.amount, document.totalWithTax);
  const payments = parsed(await sdk.payments.listDocumentPayments(document.id));
  assert.deepStrictEqual(payments.map((p) => p.id), [payment.id]);
  assert.strictEqual(parsed(await sdk.documents.getById(document.id)).paidInFull, true);

  // the PDF: `access_token` in the query (COMPAT §3.1), answered as bytes
  const pdf = await sdk.documents.getPdf(document.id);
  assert.strictEqual(pdf.subarray(0, 5).toString(), "%PDF-");
  const english = await sdk.documents.getPdf(document.id, "en");
  assert.strictEqual(english.subarray(0, 5).toString(), "%PDF-");

  parsed(await sdk.payments.delete(payment.id));
  assert.strictEqual(parsed(await sdk.payments.listDocumentPayments(document.id)).length, 0);

  console.log(JSON.stringify({ organization: organization.id, document: document.id, pdf: pdf.length }));
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : error);
  process.exit(1);
});
