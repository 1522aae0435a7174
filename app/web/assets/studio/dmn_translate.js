// The decision table editor's translate service: Chinese for the texts a
// person meets in dmn-js's table (headings, hit policy, context menus) when
// the page is Chinese, dmn-js's English otherwise.
const ZH = {
  "When": "当", "And": "且", "Then": "则", "Annotations": "备注", "Annotation": "备注",
  "Hit policy": "命中策略", "Hit policy:": "命中策略：", "View DRD": "查看决策需求图",
  "Add rule": "添加规则", "Add rule above": "在上方添加规则", "Add rule below": "在下方添加规则",
  "Remove rule": "删除规则", "Copy rule": "复制规则", "Cut rule": "剪切规则",
  "Paste rule above": "粘贴到上方", "Paste rule below": "粘贴到下方", "Move rule": "移动规则",
  "Add input": "添加输入", "Add output": "添加输出",
  "Add input column left": "在左侧添加输入列", "Add input column right": "在右侧添加输入列",
  "Add output column left": "在左侧添加输出列", "Add output column right": "在右侧添加输出列",
  "Remove input column": "删除输入列", "Remove output column": "删除输出列",
  "Input": "输入", "Output": "输出", "Input label": "输入标签", "Input expression": "输入表达式",
  "Input type": "输入类型", "Output label": "输出标签", "Output name": "输出名称", "Output type": "输出类型",
  "Expression": "表达式", "Expression language": "表达式语言", "Type": "类型", "Value": "值", "Values": "值",
  "Predefined values": "预设值", "Add cell description": "添加单元格说明", "Remove cell description": "删除单元格说明",
  "Edit": "编辑", "Yes": "是", "No": "否", "Decision name": "决策名称", "Enter expression": "输入表达式",
};

export default function dmnTranslateModule(locale) {
  const texts = String(locale).startsWith("zh") ? ZH : {};
  function translate(template, replacements) {
    const values = replacements || {};
    return (texts[template] || template).replace(/{([^}]+)}/g, (whole, key) =>
      Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole);
  }
  return { translate: ["value", translate] };
}
