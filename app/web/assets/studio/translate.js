// The modeler's translate service: Chinese (bpmn-js-i18n's zn.js completed
// by our own entries) when the page is Chinese, the English texts otherwise.
import zn from "bpmn-js-i18n/translations/zn";
import ours from "./translations_zh";
import editors from "./editors_zh";

export default function translateModule(locale) {
  const texts = String(locale).startsWith("zh") ? { ...zn, ...ours, ...editors } : {};
  function translate(template, replacements) {
    const values = replacements || {};
    return (texts[template] || template).replace(/{([^}]+)}/g, (whole, key) =>
      Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole);
  }
  return { translate: ["value", translate] };
}
