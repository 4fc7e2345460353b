// The HTML report's stylesheet (engine/report/report_html.cpp inlines it): print on A4, cards on a
// narrow screen, contrast for WCAG 2.1 AA.

#include "engine/report/report_html_parts.hpp"

namespace toets::html_report {

namespace {

constexpr std::string_view kCss = R"css(
:root{--green:#2e7d32;--orange:#e67e00;--orange-ink:#8f4b00;--red:#c62828;--grey:#8a8f96;--error:#5e35b1;--ink:#1b1f24;--muted:#59636e;--line:#d8dde3;--bg:#f4f5f7;--card:#fff;--focus:#1f4e79}
*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}
html{background:var(--bg)}
body{margin:0;font:14px/1.45 "Segoe UI",system-ui,-apple-system,"Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",sans-serif;color:var(--ink);overflow-wrap:break-word}
main{max-width:1060px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:24px;margin:0 0 2px}
h2{font-size:20px;margin:28px 0 4px;padding-top:8px;border-top:3px solid var(--ink)}
h3{font-size:15px;margin:22px 0 8px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
h4{font-size:15px;margin:0}
p{margin:4px 0}
a{color:inherit}
a:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}
.muted{color:var(--muted)}
.small{font-size:12px}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 16px;align-items:flex-end;border-bottom:1px solid var(--line);padding-bottom:10px}
.top .meta{text-align:right;font-size:12.5px;color:var(--muted)}
.pills{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0 4px}
.pill{display:inline-flex;align-items:center;gap:6px;border:1px solid var(--line);background:var(--card);border-radius:999px;padding:3px 12px 3px 6px;font-weight:600}
.pill b{font-size:18px}
.dot{display:inline-block;width:14px;height:14px;border-radius:50%;flex:none;border:1px solid rgba(0,0,0,.45)}
.dot.green{background:var(--green)}.dot.orange{background:var(--orange)}.dot.red{background:var(--red)}.dot.grey{background:var(--grey)}.dot.error{background:var(--error)}
.chip{display:inline-flex;align-items:center;gap:4px;border:1px solid transparent;border-radius:6px;padding:0 6px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap;text-decoration:none;line-height:1.5}
.chip.green{background:var(--green)}.chip.orange{background:var(--orange);color:var(--ink)}.chip.red{background:var(--red)}.chip.grey{background:#e4e6e9;color:#3d434a}.chip.error{background:var(--error)}
.chip.outside{background:var(--card);border:1px dashed currentColor;font-style:italic;font-weight:400}
.chip.outside.green{color:var(--green)}.chip.outside.orange{color:var(--orange-ink)}.chip.outside.red{color:var(--red)}.chip.outside.grey{color:#3d434a}.chip.outside.error{color:var(--error)}
.chip .out{font-size:11px}
.chip .mv{font-size:10px}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.chg{font-size:11.5px}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{text-align:left;vertical-align:top;padding:5px 7px;border-bottom:1px solid var(--line)}
th{font-size:11.5px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);font-weight:600;background:#fafbfc}
td.num{white-space:nowrap}
td.num .small{white-space:normal}
.attention{table-layout:fixed}
.attention td{font-size:13px;overflow-wrap:anywhere}
.attention col.st{width:140px}.attention col.gr{width:15%}.attention col.me{width:20%}.attention col.ow{width:13%}.attention col.si{width:116px}
.attention td.m{white-space:normal}
.attention .art{white-space:normal}
.attention tr.red td:first-child{box-shadow:inset 4px 0 var(--red)}
.attention tr.orange td:first-child{box-shadow:inset 4px 0 var(--orange)}
.attention tr.error td:first-child{box-shadow:inset 4px 0 var(--error)}
.art{font-weight:700;white-space:nowrap}
.grid td{vertical-align:middle}
.grid th{min-width:44px}
.grid td:first-child{width:34%}
.grid td.cell{white-space:normal}
.grid td.cell .chip{margin:1px 2px;white-space:normal;flex-wrap:wrap;column-gap:4px;row-gap:0}
.grid .rule-title{font-size:12.5px}
.grid .owner{font-size:11.5px;color:var(--muted)}
.mvt{display:inline-block;font-size:11px;font-weight:700;border-radius:4px;padding:0 6px;border:1px solid currentColor;white-space:nowrap}
.mvt.new,.mvt.worse{color:var(--red)}.mvt.better,.mvt.resolved{color:var(--green)}.mvt.other{color:var(--muted)}
.tag{display:inline-block;font-size:10.5px;border:1px dashed var(--muted);color:var(--muted);border-radius:4px;padding:0 5px;margin-left:4px;white-space:nowrap}
.rule{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:12px 0;break-inside:avoid}
.rule-head{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.rule-head .art{font-size:15px;background:var(--ink);color:#fff;border-radius:4px;padding:0 7px}
.rule .facts{font-size:12.5px;color:var(--muted)}
.rule .facts b{color:var(--ink);font-weight:600}
.rule-body{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start;margin-top:8px}
.chart{flex:0 1 330px;min-width:0}
.chart svg.plot{display:block;width:100%;max-width:330px;height:auto;background:#fff}
svg.sw{display:inline-block;vertical-align:middle}
svg .halo{text-shadow:-1px 0 #fff,1px 0 #fff,0 -1px #fff,0 1px #fff,-1px -1px #fff,1px 1px #fff,-1px 1px #fff,1px -1px #fff,0 0 3px #fff}
.legend{font-size:11px;color:var(--muted);margin-top:2px;line-height:1.5}
.legend span{white-space:nowrap;margin-right:8px}
.groups{flex:1 1 440px}
.groups td{font-size:12.5px}
.groups tr.more td{border-top:none;padding-top:0;color:var(--muted)}
.groups tr.has-more td{border-bottom:none}
details summary{cursor:pointer;color:var(--ink);font-weight:600}
.ids{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:11.5px;overflow-wrap:anywhere;margin:4px 0 0}
.changes td{font-size:13px}
.inputs td{overflow-wrap:anywhere}
.inputs td.num{white-space:normal}
.note{font-size:12px;color:var(--muted);font-style:italic}
footer{margin-top:30px;border-top:1px solid var(--line);padding-top:8px;font-size:11.5px;color:var(--muted)}
.empty{color:var(--muted);font-style:italic}
@media screen and (max-width:760px){
 main{padding:14px 12px 32px}
 .top .meta{text-align:left}
 table,tbody,tr,td{display:block;width:auto}
 .grid td:first-child{width:auto}
 thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
 colgroup{display:none}
 table{background:none}
 tr{background:var(--card);border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 0}
 td{border-bottom:none;padding:3px 10px;overflow-wrap:anywhere}
 td.num{white-space:normal}
 td[data-label]{display:flow-root;padding-left:124px}
 td[data-label]::before{content:attr(data-label);float:left;width:114px;margin-left:-114px;padding-right:8px;font-size:12px;line-height:1.75;color:var(--muted);font-weight:600}
 td:empty,td[data-label]:empty{display:none}
 .attention tr.red{box-shadow:inset 4px 0 var(--red)}.attention tr.orange{box-shadow:inset 4px 0 var(--orange)}.attention tr.error{box-shadow:inset 4px 0 var(--error)}
 .attention tr td:first-child{box-shadow:none}
 .groups tr.has-more{border-bottom:none;border-radius:6px 6px 0 0;margin-bottom:0}
 .groups tr.more{border-top:none;border-radius:0 0 6px 6px}
 .rule{padding:10px}
 .rule .groups tr{background:#fafbfc}
 .chip{white-space:normal}
}
@page{size:A4;margin:12mm 11mm 14mm}
@media print{
 html,body{background:#fff}
 body{font-size:9.5pt}
 main{max-width:none;padding:0}
 h2{break-before:page;margin-top:0}
 section.ruleset:first-of-type h2{break-before:auto}
 h3{break-after:avoid}
 .rule{border-color:#bbb;break-inside:avoid;padding:8px 10px;margin:8px 0}
 tr{break-inside:avoid}
 .rule-body{gap:10px}
 .chart{flex-basis:250px}.chart svg.plot{width:250px}
 .groups{flex-basis:400px}
 .legend{font-size:9px}
 details:not([open]) summary::after{content:" \2014  in de digitale versie";font-weight:400;color:var(--muted)}
 a{text-decoration:none}
 th,td{padding:3px 5px}
 th{letter-spacing:0}
 td.num{white-space:normal}
 td.num b{white-space:nowrap}
 .chip{font-size:10.5px;padding:0 5px}
 .grid td:first-child{width:36%}
 .attention col.st{width:108px}.attention col.si{width:100px}
 .groups td,.attention td,.changes td{font-size:11.5px}
}
)css";

}  // namespace

std::string_view stylesheet() { return kCss; }

}  // namespace toets::html_report
