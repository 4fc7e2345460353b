#!/usr/bin/env python3
"""Splits engine/ into stage folders, each its own CMake library (issue 13, item 1).

    python3 tools/restructure/engine_stages.py [REPO]      (default: the current directory)
    python3 tools/restructure/engine_stages.py --check [REPO]   (ctest engine_layering: changes nothing)

Deterministic, and safe to run again on a repository it has already restructured:
  1. `git mv` every file of engine/ into its stage folder by STAGE_OF_FILE below; a file of
     engine/ that the table does not name (one added meanwhile) stops the script, named, before
     anything is moved: add it to the table.
  2. Rewrites every reference to an engine file (`#include "engine/X.hpp"`, and engine/X.cpp in
     comments, docs and scripts) in the whole repository to its new path.
  3. Writes engine/CMakeLists.txt and one CMakeLists.txt per stage: targets toets_<stage>, linked by
     STAGE_DEPENDS (the layering) and EXTERNAL (libraries from Debian), and the umbrella INTERFACE
     target toets_engine that links every stage, so tools/, tests/, ruletest/, lsp/ link as before.
  4. Checks the layering: every `#include "engine/..."` of a stage's files names its own stage or
     one it may use. Violations are printed and the exit status is 1.

Python 3 and git only. Exit status: 0 done, 1 layering violated, 2 the table is out of date.
"""

import os
import re
import subprocess
import sys

# ---------------------------------------------------------------------------------------------
# The stages, lowest first, what each holds, and which stages each may use (directly; a stage's
# files may include the headers of these, and its library links them PUBLIC).

STAGES = ["base", "data", "words", "input", "eval", "store", "report", "run"]

STAGE_DEPENDS = {
    "base": [],
    "data": [],
    "words": ["data"],
    "input": ["base", "data", "words"],
    "eval": ["data"],
    "store": ["base", "data", "words", "input"],
    "report": ["base", "data", "words"],
    "run": ["base", "data", "words", "input", "eval", "store", "report"],
}

STAGE_PURPOSE = {
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
EXTERNAL = {
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
UMBRELLA_EXTERNAL = ["toets_dsl", "nlohmann_json::nlohmann_json", "SQLite::SQLite3", "spdlog::spdlog",
                     "Threads::Threads"]

# Extra lines of a stage's CMakeLists.txt.
EXTRA_CMAKE = {
    "store": [
        "# The engine version recorded with every import and check run in the store (store.cpp).",
        'set_source_files_properties(store.cpp PROPERTIES COMPILE_DEFINITIONS TOETS_VERSION="${PROJECT_VERSION}")',
    ],
}

STAGE_FILES = {
    "base": """
        atomic_file.cpp atomic_file.hpp output_guard.cpp output_guard.hpp sha256.cpp sha256.hpp
        text_table.cpp text_table.hpp unicode_tables.cpp unicode_text.cpp unicode_text.hpp clock.cpp clock.hpp
    """,
    "data": """
        cell_values.hpp check_outcome.cpp check_outcome.hpp dataset.cpp dataset.hpp evidence.hpp
        rejection_reason.cpp rejection_reason.hpp result.cpp result.hpp value_rules.cpp value_rules.hpp
    """,
    "words": """
        reason_text.cpp reason_text.hpp report_messages.cpp report_words.cpp words.hpp
    """,
    "input": """
        csv_reader.cpp csv_reader.hpp file_bytes.cpp encoding.cpp encoding.hpp export_names.cpp export_names.hpp
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

STAGE_OF_FILE = {name: stage for stage, names in STAGE_FILES.items() for name in names.split()}

# Files of a text kind whose references to engine files are rewritten.
REWRITTEN = (".cpp", ".hpp", ".h", ".cc", ".c", ".txt", ".cmake", ".md", ".py", ".sh", ".toml", ".json", ".in")
ENGINE_REF = re.compile(r"\bengine/([A-Za-z0-9_]+\.(?:hpp|cpp))\b")
ENGINE_INCLUDE = re.compile(r'#\s*include\s+"engine/([^"]+)"')

# ---------------------------------------------------------------------------------------------


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def check_table():
    assert set(STAGE_FILES) == set(STAGES) == set(STAGE_DEPENDS) == set(EXTERNAL), "stage tables disagree"
    names = [name for names in STAGE_FILES.values() for name in names.split()]
    twice = sorted({n for n in names if names.count(n) > 1})
    assert not twice, f"in two stages: {twice}"
    for stage, deps in STAGE_DEPENDS.items():
        for dep in deps:
            assert STAGES.index(dep) < STAGES.index(stage), f"{stage} may not use the later {dep}"


def move_files(repo):
    flat = [p for p in git(repo, "ls-files", "engine").splitlines() if p.count("/") == 1]
    flat = [p for p in flat if os.path.basename(p) != "CMakeLists.txt"]
    unknown = sorted(os.path.basename(p) for p in flat if os.path.basename(p) not in STAGE_OF_FILE)
    if unknown:
        print("engine_stages: files of engine/ that STAGE_FILES does not name (add each to a stage):", file=sys.stderr)
        for name in unknown:
            print(f"  engine/{name}", file=sys.stderr)
        sys.exit(2)
    for stage in STAGES:
        os.makedirs(os.path.join(repo, "engine", stage), exist_ok=True)
    for path in sorted(flat):
        name = os.path.basename(path)
        git(repo, "mv", path, f"engine/{STAGE_OF_FILE[name]}/{name}")
    # Files the table names that are nowhere (removed meanwhile) are only reported.
    for name in sorted(STAGE_OF_FILE):
        if not os.path.exists(os.path.join(repo, "engine", STAGE_OF_FILE[name], name)):
            print(f"engine_stages: note: engine/{STAGE_OF_FILE[name]}/{name} (in the table) does not exist",
                  file=sys.stderr)


def rewrite_references(repo):
    me = os.path.relpath(os.path.abspath(__file__), os.path.abspath(repo))
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
            if name in STAGE_OF_FILE:
                return f"engine/{STAGE_OF_FILE[name]}/{name}"
            stale.add((path, name))
            return match.group(0)

        rewritten = ENGINE_REF.sub(new_path, text)
        if rewritten != text:
            with open(full, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
                f.write(rewritten)
            changed += 1
    for path, name in sorted(stale):
        print(f"engine_stages: note: {path} names engine/{name}, which no stage holds", file=sys.stderr)
    return changed


def stage_sources(repo, stage):
    folder = os.path.join(repo, "engine", stage)
    return sorted(n for n in os.listdir(folder) if n.endswith(".cpp"))


def write_cmake(repo):
    top = ["# The engine in stages, each its own library; a stage links only the stages it may use",
           "# (docs/architecture.md). Written by tools/restructure/engine_stages.py.", ""]
    for stage in STAGES:
        top.append(f"add_subdirectory({stage})")
    top += ["", "# Everything at once, as the single library of before: tools/, tests/, ruletest/ and lsp/ link it.",
            "add_library(toets_engine INTERFACE)",
            "target_link_libraries(toets_engine INTERFACE",
            "  " + " ".join(f"toets_{s}" for s in STAGES),
            "  " + " ".join(UMBRELLA_EXTERNAL) + ")", ""]
    with open(os.path.join(repo, "engine", "CMakeLists.txt"), "w") as f:
        f.write("\n".join(top))
    for stage in STAGES:
        lines = [f"# {STAGE_PURPOSE[stage]}",
                 f"# May use: {', '.join(STAGE_DEPENDS[stage]) or 'no other stage'}. "
                 "Written by tools/restructure/engine_stages.py.",
                 f"add_library(toets_{stage}"]
        lines += [f"  {name}" for name in stage_sources(repo, stage)]
        lines += [")", f"target_include_directories(toets_{stage} PUBLIC ${{PROJECT_SOURCE_DIR}})"]
        public = [f"toets_{d}" for d in STAGE_DEPENDS[stage]] + [t for v, t in EXTERNAL[stage] if v == "PUBLIC"]
        private = [t for v, t in EXTERNAL[stage] if v == "PRIVATE"]
        link = f"target_link_libraries(toets_{stage}"
        if public:
            link += " PUBLIC " + " ".join(public)
        if private:
            link += " PRIVATE " + " ".join(private)
        lines.append(link + ")")
        lines += EXTRA_CMAKE.get(stage, [])
        with open(os.path.join(repo, "engine", stage, "CMakeLists.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")


def check_layering(repo):
    violations = []
    for stage in STAGES:
        allowed = set(STAGE_DEPENDS[stage]) | {stage}
        folder = os.path.join(repo, "engine", stage)
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".cpp", ".hpp")):
                continue
            with open(os.path.join(folder, name), encoding="utf-8", errors="surrogateescape") as f:
                for number, line in enumerate(f, 1):
                    match = ENGINE_INCLUDE.search(line)
                    if not match:
                        continue
                    target = match.group(1)
                    used = target.split("/")[0] if "/" in target else None
                    if used not in allowed:
                        why = "not in a stage folder" if used is None else f"stage {stage} may not use {used}"
                        violations.append(f"engine/{stage}/{name}:{number}: includes engine/{target} ({why})")
    for violation in violations:
        print(violation)
    return violations


def check_only(repo):
    """The layering of the tree as it is: no file left flat in engine/, every include allowed."""
    flat = [p for p in git(repo, "ls-files", "engine").splitlines() if p.count("/") == 1]
    flat = [p for p in flat if os.path.basename(p) != "CMakeLists.txt"]
    for path in flat:
        print(f"{path}: in no stage folder (add it to STAGE_FILES and run this script)")
    violations = check_layering(repo)
    if flat or violations:
        return 1
    print("engine_stages: layering holds")
    return 0


def main():
    args = sys.argv[1:]
    if args and args[0] == "--check":
        repo = args[1] if len(args) > 1 else "."
        check_table()
        return check_only(repo)
    repo = args[0] if args else "."
    if not os.path.isdir(os.path.join(repo, "engine")) or not os.path.isdir(os.path.join(repo, ".git")) and \
            not os.path.isfile(os.path.join(repo, ".git")):
        print(f"engine_stages: {repo} is not the repository (no engine/ or .git)", file=sys.stderr)
        return 2
    check_table()
    move_files(repo)
    changed = rewrite_references(repo)
    write_cmake(repo)
    print(f"engine_stages: files in {len(STAGES)} stages; references rewritten in {changed} files")
    if check_layering(repo):
        print("engine_stages: the layering is violated (above)", file=sys.stderr)
        return 1
    print("engine_stages: layering holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
