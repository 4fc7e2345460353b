#!/usr/bin/env python3
"""Splits engine/ and dsl/ into stage folders, each its own CMake library (issue 13, item 1).

    python3 tools/restructure/stages.py [REPO]           restructure (default: the current directory)
    python3 tools/restructure/stages.py --check [REPO]   only check (ctest stage_layering): changes nothing

Deterministic, and safe to run again on a repository it has already restructured (run it after
adding a file to engine/ or dsl/, or after merging a branch made on the flat layout). Per tree:
  1. `git mv` every file left flat in the tree's folder into its stage folder by the tables below;
     a file the tables do not name (one added meanwhile) stops the script, named, before anything
     is moved: add it to the table.
  2. Rewrites every reference to such a file (`#include "engine/X.hpp"`, and engine/X.cpp in
     comments, docs and scripts) in the whole repository to its new path.
  3. Writes the tree's CMakeLists.txt and one per stage: targets <prefix><stage>, linked by the
     stages each may use (the layering) and the Debian libraries it needs, and an umbrella INTERFACE
     target (toets_engine, toets_dsl) that links every stage, so its users link as before.
  4. Checks the layering: every `#include "engine/..."` of a stage's files names its own stage or
     one it may use. Violations are printed and the exit status is 1.

Python 3 and git only. Exit status: 0 done, 1 layering violated, 2 a table is out of date.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# engine/: the stages, lowest first, what each holds, and which stages each may use (directly; a
# stage's files may include the headers of these, and its library links them PUBLIC).

ENGINE_STAGES = ["base", "data", "words", "input", "eval", "store", "report", "run"]

ENGINE_DEPENDS = {
    "base": [],
    "data": [],
    "words": ["data"],
    "input": ["base", "data", "words"],
    "eval": ["data"],
    "store": ["base", "data", "words", "input"],
    "report": ["base", "data", "words"],
    "run": ["base", "data", "words", "input", "eval", "store", "report"],
}

ENGINE_PURPOSE = {
    "base": "Small tools of every stage: files written whole, output checked, SHA-256, Unicode text, text tables.",
    "data": "Datasets, cell values, results and evidence, rejection reasons as data, value rules, check outcomes.",
    "words": "The words of both report languages: the word table, engine notes, sentences of rejection reasons.",
    "input": "Reading exports: CSV, JSON, Excel, encodings, file kinds, mappings, memory limits.",
    "eval": "Evaluating compiled rules over datasets: the evaluator and rule selection.",
    "store": "The SQLite store: imports, runs, history, rejections, diffs.",
    "report": "Report writers (text, JSON, HTML, Markdown, JUnit) and what they share: privacy, rejection groups, charts.",
    "run": "What ties the stages together: check plans and the rejections listing of a store.",
}

# Libraries from Debian (found in the top CMakeLists.txt): (visibility, target).
ENGINE_EXTERNAL = {
    "base": [("PUBLIC", "toets_dsl"), ("PUBLIC", "nlohmann_json::nlohmann_json"), ("PUBLIC", "spdlog::spdlog"),
             ("PUBLIC", "Threads::Threads"), ("PRIVATE", "OpenSSL::Crypto")],
    "data": [("PUBLIC", "toets_dsl"), ("PUBLIC", "nlohmann_json::nlohmann_json")],
    "words": [("PUBLIC", "toets_dsl")],
    # Excel workbooks (xlsx_*.cpp): libzip for the ZIP container, expat for the XML.
    "input": [("PUBLIC", "toets_dsl"), ("PUBLIC", "nlohmann_json::nlohmann_json"), ("PUBLIC", "Threads::Threads"),
              ("PRIVATE", "PkgConfig::LIBZIP"), ("PRIVATE", "PkgConfig::EXPAT")],
    "eval": [("PUBLIC", "toets_dsl"), ("PUBLIC", "Threads::Threads")],
    "store": [("PUBLIC", "toets_dsl"), ("PUBLIC", "nlohmann_json::nlohmann_json"), ("PUBLIC", "SQLite::SQLite3"),
              ("PUBLIC", "Threads::Threads")],
    "report": [("PUBLIC", "toets_dsl"), ("PUBLIC", "nlohmann_json::nlohmann_json")],
    # Plan files are TOML (plan_file.cpp, plan_old_format.cpp).
    "run": [("PUBLIC", "toets_dsl"), ("PUBLIC", "nlohmann_json::nlohmann_json"),
            ("PRIVATE", "tomlplusplus::tomlplusplus")],
}

# What the umbrella target passes on as the single toets_engine did: its users may include these.
ENGINE_UMBRELLA_EXTERNAL = ["toets_dsl", "nlohmann_json::nlohmann_json", "SQLite::SQLite3", "spdlog::spdlog",
                     "Threads::Threads"]

# Extra lines of a stage's CMakeLists.txt.
ENGINE_EXTRA_CMAKE = {
    "store": [
        "# The engine version recorded with every import and check run in the store (store.cpp).",
        'set_source_files_properties(store.cpp PROPERTIES COMPILE_DEFINITIONS TOETS_VERSION="${PROJECT_VERSION}")',
    ],
}

ENGINE_FILES = {
    "base": """
        atomic_file.cpp atomic_file.hpp output_guard.cpp output_guard.hpp sha256.cpp sha256.hpp
        text_table.cpp text_table.hpp unicode_tables.cpp unicode_text.cpp unicode_text.hpp clock.cpp clock.hpp
    """,
    "data": """
        cell_values.hpp check_outcome.cpp check_outcome.hpp dataset.cpp dataset.hpp evidence.hpp
        rejection_reason.cpp rejection_reason.hpp result.cpp result.hpp value_rules.cpp value_rules.hpp
        result_note.hpp result_note_json.cpp
    """,
    "words": """
        reason_text.cpp reason_text.hpp report_messages.cpp report_words.cpp words.hpp result_note_words.cpp
    """,
    "input": """
        csv_reader.cpp csv_reader.hpp csv_header.cpp csv_header.hpp csv_chunked_load.cpp csv_chunked_load.hpp
        csv_record_scan.hpp record_builder.cpp file_bytes.cpp encoding.cpp encoding.hpp export_names.cpp export_names.hpp
        file_kind.cpp file_kind.hpp group_keys.cpp group_keys.hpp input.cpp input.hpp
        json_reader.cpp json_reader.hpp load_common.cpp load_common.hpp mapping.cpp mapping.hpp
        mapping_init.cpp mapping_init.hpp memory_limits.cpp memory_limits.hpp small_file.cpp small_file.hpp
        xlsx_archive.cpp xlsx_archive.hpp xlsx_reader.cpp xlsx_reader.hpp xlsx_values.cpp xlsx_values.hpp
    """,
    "eval": """
        evaluator.cpp evaluator.hpp evaluator_finish.cpp evaluator_internal.hpp evaluator_reads.cpp
        evaluator_thresholds.cpp rule_selection.cpp rule_selection.hpp evaluator_evidence.cpp
        evaluator_expressions.cpp evaluator_pass.cpp
    """,
    "store": """
        sqlite_statement.hpp store.cpp store.hpp store_diff.cpp store_open.cpp store_rejections.cpp
        store_columns.cpp store_import.cpp store_internal.hpp store_layout.cpp store_runs.cpp store_table_reader.cpp
    """,
    "report": """
        chart_labels.cpp chart_labels.hpp privacy.cpp privacy.hpp rejection_groups.cpp rejection_groups.hpp
        report.hpp report_common.cpp report_common.hpp report_findings.cpp report_html.cpp
        report_incomplete.cpp report_json.cpp report_junit.cpp report_markdown.cpp report_norms.cpp
        report_text.cpp report_html_charts.cpp report_html_parts.hpp report_html_style.cpp
    """,
    "run": """
        plan.cpp plan.hpp rejection_listing.cpp rejection_listing.hpp check_job.cpp check_job.hpp
        plan_file.cpp plan_file.hpp plan_old_format.cpp
    """,
}


# ---------------------------------------------------------------------------------------------
# dsl/: the rule language, from source text to the compiled program.

DSL_STAGES = ["source", "syntax", "program", "check"]

DSL_DEPENDS = {
    "source": [],
    "syntax": ["source"],
    "program": ["source"],
    "check": ["source", "syntax", "program"],
}

DSL_PURPOSE = {
    "source": "Source text and what every stage shares: diagnostics with carets, the calendar, UTF-8, visible text, files read whole.",
    "syntax": "The syntax: the AST, the X3 grammar, the lexer, the parser, the printer (toets fmt), Dutch-number hints.",
    "program": "What the checker produces and the engine runs: dataset schemas and the compiled rule set.",
    "check": "The checker: names bound to schemas, types, parameters, years; rules compiled into the program.",
}

DSL_EXTERNAL = {
    "source": [],
    "syntax": [("PUBLIC", "Boost::headers")],
    "program": [],
    "check": [("PUBLIC", "Boost::headers")],
}

DSL_UMBRELLA_EXTERNAL = ["Boost::headers"]

DSL_FILES = {
    "source": """
        calendar.cpp calendar.hpp diagnostics.cpp diagnostics.hpp regular_file.cpp regular_file.hpp
        text.hpp unicode_widths.cpp utf8.hpp visible_text.cpp visible_text.hpp
    """,
    "syntax": """
        ast.hpp ast_adapted.hpp ast_text.cpp ast_text.hpp config.hpp format.cpp format.hpp grammar.cpp
        grammar.hpp grammar_def.hpp lexer.cpp lexer.hpp number_hints.cpp number_hints.hpp parser.cpp parser.hpp
    """,
    "program": """
        program.cpp program.hpp schema.cpp schema.hpp
    """,
    "check": """
        checker.cpp checker.hpp checker_expr.cpp checker_internal.hpp checker_params.cpp checker_rule.cpp
        checker_rule_clauses.cpp checker_years.cpp
    """,
}


@dataclass
class Tree:
    root: str                 # the folder: "engine"
    prefix: str               # the stage libraries' prefix: "toets_" -> toets_base
    umbrella: str             # the INTERFACE target over all stages
    heading: list             # the first lines of ROOT/CMakeLists.txt
    stages: list
    depends: dict
    purpose: dict
    external: dict
    umbrella_external: list
    files: dict
    extra_cmake: dict = field(default_factory=dict)

    def stage_of_file(self):
        return {name: stage for stage, names in self.files.items() for name in names.split()}

    def reference(self):
        return re.compile(r"\b" + self.root + r"/([A-Za-z0-9_]+\.(?:hpp|cpp))\b")

    def include(self):
        return re.compile(r'#\s*include\s+"' + self.root + r'/([^"]+)"')


TREES = [
    Tree("dsl", "toets_dsl_", "toets_dsl",
         ["# The rule language in stages, each its own library; a stage links only the stages it may use",
          "# (docs/architecture.md). Written by tools/restructure/stages.py."],
         DSL_STAGES, DSL_DEPENDS, DSL_PURPOSE, DSL_EXTERNAL, DSL_UMBRELLA_EXTERNAL, DSL_FILES),
    Tree("engine", "toets_", "toets_engine",
         ["# The engine in stages, each its own library; a stage links only the stages it may use",
          "# (docs/architecture.md). Written by tools/restructure/stages.py."],
         ENGINE_STAGES, ENGINE_DEPENDS, ENGINE_PURPOSE, ENGINE_EXTERNAL, ENGINE_UMBRELLA_EXTERNAL, ENGINE_FILES,
         ENGINE_EXTRA_CMAKE),
]

# Files of a text kind whose references are rewritten.
REWRITTEN = (".cpp", ".hpp", ".h", ".cc", ".c", ".txt", ".cmake", ".md", ".py", ".sh", ".toml", ".json", ".in")

# ---------------------------------------------------------------------------------------------


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def check_table(tree):
    assert set(tree.files) == set(tree.stages) == set(tree.depends) == set(tree.external), \
        f"{tree.root}: stage tables disagree"
    names = [name for names in tree.files.values() for name in names.split()]
    twice = sorted({n for n in names if names.count(n) > 1})
    assert not twice, f"{tree.root}: in two stages: {twice}"
    for stage, deps in tree.depends.items():
        for dep in deps:
            assert tree.stages.index(dep) < tree.stages.index(stage), f"{stage} may not use the later {dep}"


def flat_files(repo, tree):
    """The files directly in the tree's folder (not in a stage folder), CMakeLists.txt aside."""
    folder = os.path.join(repo, tree.root)
    return sorted(f"{tree.root}/{name}" for name in os.listdir(folder)
                  if os.path.isfile(os.path.join(folder, name)) and name != "CMakeLists.txt")


def move_files(repo, tree):
    stage_of = tree.stage_of_file()
    # What git tracks, as `git mv` moves only that; an untracked file shows at the layering check.
    flat = [p for p in git(repo, "ls-files", tree.root).splitlines()
            if p.count("/") == 1 and os.path.basename(p) != "CMakeLists.txt"]
    unknown = sorted(os.path.basename(p) for p in flat if os.path.basename(p) not in stage_of)
    if unknown:
        print(f"stages: files of {tree.root}/ that the table does not name (add each to a stage):", file=sys.stderr)
        for name in unknown:
            print(f"  {tree.root}/{name}", file=sys.stderr)
        sys.exit(2)
    for stage in tree.stages:
        os.makedirs(os.path.join(repo, tree.root, stage), exist_ok=True)
    for path in sorted(flat):
        name = os.path.basename(path)
        git(repo, "mv", path, f"{tree.root}/{stage_of[name]}/{name}")
    # Files the table names that are nowhere (removed meanwhile) are only reported.
    for name in sorted(stage_of):
        if not os.path.exists(os.path.join(repo, tree.root, stage_of[name], name)):
            print(f"stages: note: {tree.root}/{stage_of[name]}/{name} (in the table) does not exist", file=sys.stderr)


def rewrite_references(repo, tree):
    me = os.path.relpath(os.path.abspath(__file__), os.path.abspath(repo))
    stage_of = tree.stage_of_file()
    pattern = tree.reference()
    stale = set()
    changed = 0
    for path in git(repo, "ls-files").splitlines():
        if path == me or not path.endswith(REWRITTEN) and os.path.basename(path) != "CMakeLists.txt":
            continue
        full = os.path.join(repo, path)
        if not os.path.isfile(full) or os.path.islink(full):
            continue
        with open(full, encoding="utf-8", errors="surrogateescape", newline="") as f:
            text = f.read()

        def new_path(match):
            name = match.group(1)
            if name in stage_of:
                return f"{tree.root}/{stage_of[name]}/{name}"
            stale.add((path, name))
            return match.group(0)

        rewritten = pattern.sub(new_path, text)
        if rewritten != text:
            with open(full, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
                f.write(rewritten)
            changed += 1
    for path, name in sorted(stale):
        print(f"stages: note: {path} names {tree.root}/{name}, which no stage holds", file=sys.stderr)
    return changed


def stage_sources(repo, tree, stage):
    folder = os.path.join(repo, tree.root, stage)
    return sorted(n for n in os.listdir(folder) if n.endswith(".cpp"))


def write_cmake(repo, tree):
    top = tree.heading + [""]
    for stage in tree.stages:
        top.append(f"add_subdirectory({stage})")
    top += ["", "# Everything at once, as the single library of before, for the users of the whole.",
            f"add_library({tree.umbrella} INTERFACE)",
            f"target_link_libraries({tree.umbrella} INTERFACE",
            "  " + " ".join(f"{tree.prefix}{s}" for s in tree.stages),
            "  " + " ".join(tree.umbrella_external) + ")", ""]
    with open(os.path.join(repo, tree.root, "CMakeLists.txt"), "w") as f:
        f.write("\n".join(top))
    for stage in tree.stages:
        lines = [f"# {tree.purpose[stage]}",
                 f"# May use: {', '.join(tree.depends[stage]) or 'no other stage'}. "
                 "Written by tools/restructure/stages.py.",
                 f"add_library({tree.prefix}{stage}"]
        lines += [f"  {name}" for name in stage_sources(repo, tree, stage)]
        lines += [")", f"target_include_directories({tree.prefix}{stage} PUBLIC ${{PROJECT_SOURCE_DIR}})"]
        public = [f"{tree.prefix}{d}" for d in tree.depends[stage]] + \
            [t for v, t in tree.external[stage] if v == "PUBLIC"]
        private = [t for v, t in tree.external[stage] if v == "PRIVATE"]
        link = f"target_link_libraries({tree.prefix}{stage}"
        if public:
            link += " PUBLIC " + " ".join(public)
        if private:
            link += " PRIVATE " + " ".join(private)
        if public or private:
            lines.append(link + ")")
        lines += tree.extra_cmake.get(stage, [])
        with open(os.path.join(repo, tree.root, stage, "CMakeLists.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")


def check_layering(repo, tree):
    violations = []
    pattern = tree.include()
    for stage in tree.stages:
        allowed = set(tree.depends[stage]) | {stage}
        folder = os.path.join(repo, tree.root, stage)
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".cpp", ".hpp")):
                continue
            with open(os.path.join(folder, name), encoding="utf-8", errors="surrogateescape") as f:
                for number, line in enumerate(f, 1):
                    match = pattern.search(line)
                    if not match:
                        continue
                    target = match.group(1)
                    used = target.split("/")[0] if "/" in target else None
                    if used not in allowed:
                        why = "not in a stage folder" if used is None else f"stage {stage} may not use {used}"
                        violations.append(f"{tree.root}/{stage}/{name}:{number}: includes {tree.root}/{target} ({why})")
    for path in flat_files(repo, tree):
        violations.append(f"{path}: in no stage folder (add it to the table and run tools/restructure/stages.py)")
    for violation in violations:
        print(violation)
    return violations


def main():
    args = sys.argv[1:]
    only_check = bool(args) and args[0] == "--check"
    if only_check:
        args = args[1:]
    repo = args[0] if args else "."
    # Checking reads the folders only (a source tree without .git too); restructuring uses git mv.
    if not os.path.isdir(os.path.join(repo, "engine")) or \
            not only_check and not os.path.exists(os.path.join(repo, ".git")):
        print(f"stages: {repo} is not the repository (no engine/ or .git)", file=sys.stderr)
        return 2
    violated = False
    for tree in TREES:
        check_table(tree)
        if not only_check:
            move_files(repo, tree)
            changed = rewrite_references(repo, tree)
            write_cmake(repo, tree)
            print(f"stages: {tree.root}/ in {len(tree.stages)} stages; references rewritten in {changed} files")
        if check_layering(repo, tree):
            print(f"stages: the layering of {tree.root}/ is violated (above)", file=sys.stderr)
            violated = True
        else:
            print(f"stages: the layering of {tree.root}/ holds")
    return 1 if violated else 0


if __name__ == "__main__":
    sys.exit(main())
