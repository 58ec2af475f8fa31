// A message catalog of the package (`rolegate/messages/en.js`, `rolegate/messages/de.js`).
declare const messages: Readonly<Record<string, string>>;
export default messages;
