"""Runs the reconciliation job in tally and its peers, prints one table per dataset, and checks
that every peer produced the same three tables as tally. Called by bench/run.sh (stdlib only).
"""
import argparse
import glob
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

import compare

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
SPEC = os.path.join(REPO, "pipelines", "retail_inventory_reconciliation.yaml")


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Measuring one command


class Result:
    def __init__(self, wall, cpu, rss_kib, status):
        self.wall, self.cpu, self.rss_kib, self.status = wall, cpu, rss_kib, status


def _tree_rss_kib(pid):
    """Resident set of a process and its descendants (KiB), from /proc."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return total


def _parse_time_v(path):
    values = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().rpartition(": ")
            values[key] = value
    user = float(values.get("User time (seconds)", "nan"))
    system = float(values.get("System time (seconds)", "nan"))
    rss = int(values.get("Maximum resident set size (kbytes)", "0"))
    return user + system, rss


def measure(argv, log_path, timeout, max_rss_mib, env=None, cwd=None):
    """Runs argv under /usr/bin/time -v. Kills it (whole process group) past `timeout` seconds or
    when its process tree holds more than `max_rss_mib` resident."""
    time_path = log_path + ".time"
    with open(log_path, "w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", time_path] + argv, stdout=out,
                                stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True)
        killed = []

        def watch():
            while proc.poll() is None:
                if _tree_rss_kib(proc.pid) > max_rss_mib * 1024:
                    killed.append(f"killed: RSS > {max_rss_mib} MiB")
                    os.killpg(proc.pid, signal.SIGKILL)
                    return
                time.sleep(0.1)

        def expire():
            if proc.poll() is None:
                killed.append(f"timeout > {timeout:g} s")
                os.killpg(proc.pid, signal.SIGKILL)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        timer = threading.Timer(timeout, expire)
        timer.start()
        # A blocking wait returns as the process exits; `wait(timeout=...)` polls with sleeps of up
        # to 50 ms, which would add up to that much to every wall time (a third of a 1M run).
        rc = proc.wait()
        wall = time.perf_counter() - start
        timer.cancel()
        watcher.join(timeout=1)
    cpu, rss = (float("nan"), 0)
    if os.path.exists(time_path):
        try:
            cpu, rss = _parse_time_v(time_path)
        except (OSError, ValueError):
            pass
    if killed:
        status = killed[0]
    elif rc != 0:
        status = f"failed (exit {rc}, see {os.path.relpath(log_path, REPO)})"
    else:
        status = "ok"
    return Result(wall, cpu, rss, status)


# ---------------------------------------------------------------------------------------------
# Engines


class Engine:
    """name; prepare(run_dir) -> argv; outputs(run_dir) -> {table: csv path} or None."""

    def __init__(self, name, slug, kind, argv_fn, env=None, compare_outputs=False):
        self.name, self.slug, self.kind, self.argv_fn, self.env = name, slug, kind, argv_fn, env
        self.compare_outputs = compare_outputs


def tally_has_threads(tally):
    out = subprocess.run([tally, "run", "--help"], capture_output=True, text=True).stdout
    return "--threads" in out


def tally_engine(name, slug, tally, spec, dataset, date, extra=()):
    def argv(run_dir):
        root = os.path.join(run_dir, "root")
        # A fresh data root per run: symlinks to the inputs, an empty warehouse and output folders.
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        for part in ("pos", "inventory"):
            os.symlink(os.path.join(dataset, part), os.path.join(root, part))
        return [tally, "run", spec, "--date", date, "--root", root, "--color", "never", *extra]
    return Engine(name, slug, "tally", argv)


def peer_engine(name, slug, python, script, dataset, date, env):
    def argv(run_dir):
        out = os.path.join(run_dir, "out")
        shutil.rmtree(out, ignore_errors=True)
        return [python, os.path.join(BENCH, "peers", script), "--root", dataset, "--date", date, "--out", out]
    return Engine(name, slug, "peer", argv, env=env, compare_outputs=True)


def baseline_engine(name, slug, argv_fn):
    return Engine(name, slug, "baseline", lambda run_dir: argv_fn())


# ---------------------------------------------------------------------------------------------
# The table


def fmt(value, digits=2):
    return "—" if value is None else f"{value:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}×"


def summarise(results):
    ok = [r for r in results if r.status == "ok"]
    if not ok or len(ok) < len(results):
        bad = next((r.status for r in results if r.status != "ok"), "no runs")
        return None, bad
    return {
        "wall": statistics.median(r.wall for r in ok),
        "cpu": statistics.median(r.cpu for r in ok),
        "rss": max(r.rss_kib for r in ok) / 1024,
        "runs": len(ok),
    }, "ok"


def print_table(title, input_bytes, rows, tally_name, notes):
    tally_row = next((s for name, s, _ in rows if name == tally_name), None)
    header = ["engine", "runs", "wall s (median)", "CPU s (user+sys)", "peak RSS MiB", "MB/s input",
              "tally/engine wall", "tally/engine CPU", "tally/engine RSS"]
    lines = []
    for name, s, status in rows:
        if s is None:
            lines.append([name, "0", status, "", "", "", "", "", ""])
            continue
        mbps = input_bytes / 1e6 / s["wall"] if s["wall"] > 0 else None
        same = name == tally_name
        lines.append([
            name, str(s["runs"]), fmt(s["wall"], 3), fmt(s["cpu"], 2), fmt(s["rss"], 0), fmt(mbps, 0),
            "1.00×" if same else ratio(tally_row and tally_row["wall"], s["wall"]),
            "1.00×" if same else ratio(tally_row and tally_row["cpu"], s["cpu"]),
            "1.00×" if same else ratio(tally_row and tally_row["rss"], s["rss"]),
        ])
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for line in lines:
        print("| " + " | ".join(line) + " |")
    for note in notes:
        print(f"\n{note}")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tally", required=True)
    parser.add_argument("--spec", default=SPEC, help="the reconciliation spec tally runs")
    parser.add_argument("--python", required=True, help="python of the venv with the peers")
    parser.add_argument("--csvrows", required=True)
    parser.add_argument("--dataset", action="append", required=True, help="LABEL=DIR")
    parser.add_argument("--date", default="2024-03-01")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", required=True, help="folder for run outputs")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--max-rss-mib", type=int, default=16384)
    parser.add_argument("--engines", default="all", help="comma list to restrict (e.g. tally,duckdb)")
    args = parser.parse_args()

    peer_env = dict(os.environ, POLARS_MAX_THREADS="2", OMP_NUM_THREADS="2", PYTHONDONTWRITEBYTECODE="1")
    threads = tally_has_threads(args.tally)
    failures = []

    for spec in args.dataset:
        label, _, dataset = spec.partition("=")
        dataset = os.path.abspath(dataset)
        pos_files = sorted(glob.glob(os.path.join(dataset, f"pos/date={args.date}/*.csv")))
        inventory = os.path.join(dataset, f"inventory/date={args.date}/inventory.csv")
        inputs = pos_files + [inventory]
        input_bytes = sum(os.path.getsize(f) for f in inputs)

        engines = [
            baseline_engine("read bytes: wc -l", "wc", lambda: ["wc", "-l", *inputs]),
            baseline_engine("read bytes: csvrows (C)", "csvrows", lambda: [args.csvrows, *inputs]),
            tally_engine("tally", "tally", args.tally, args.spec, dataset, args.date),
        ]
        if threads:
            engines.append(tally_engine("tally --threads 1", "tally-t1", args.tally, args.spec, dataset, args.date,
                                        ["--threads", "1"]))
            engines.append(tally_engine("tally --threads 2", "tally-t2", args.tally, args.spec, dataset, args.date,
                                        ["--threads", "2"]))
        engines += [
            peer_engine("duckdb (threads=2)", "duckdb", args.python, "duckdb_job.py", dataset, args.date, peer_env),
            peer_engine("polars (lazy, streaming)", "polars", args.python, "polars_job.py", dataset, args.date,
                        peer_env),
            peer_engine("pandas", "pandas", args.python, "pandas_job.py", dataset, args.date, peer_env),
        ]
        if args.engines != "all":
            wanted = args.engines.split(",")
            engines = [e for e in engines if e.kind == "baseline" or e.slug == "tally"
                       or any(e.slug.startswith(w) for w in wanted)]

        # Warm the page cache so that every engine reads the input from memory.
        subprocess.run([args.csvrows, *inputs], stdout=subprocess.DEVNULL, check=True)
        load_before = os.getloadavg()
        log(f"[{label}] {len(pos_files)} POS files + inventory, {input_bytes / 1e6:.1f} MB; "
            f"{args.runs} run(s) per engine, round-robin; load average {load_before[0]:.2f}")

        results = {e.name: [] for e in engines}
        for run in range(1, args.runs + 1):
            for engine in engines:
                if results[engine.name] and results[engine.name][-1].status != "ok":
                    continue  # a timeout or failure is not retried
                run_dir = os.path.join(args.work, label, engine.slug)
                os.makedirs(run_dir, exist_ok=True)
                argv = engine.argv_fn(run_dir)
                r = measure(argv, os.path.join(run_dir, "last-run.log"), args.timeout, args.max_rss_mib,
                            env=engine.env)
                results[engine.name].append(r)
                log(f"[{label}] run {run}/{args.runs} {engine.name:28s} {r.wall:8.3f} s wall "
                    f"{r.cpu:8.2f} s CPU {r.rss_kib / 1024:8.0f} MiB  {r.status}")
        load_after = os.getloadavg()
        for engine in engines:
            for r in results[engine.name]:
                if r.status.startswith("failed"):
                    failures.append(f"{label}: {engine.name} {r.status}")

        rows = []
        for engine in engines:
            s, status = summarise(results[engine.name])
            rows.append((engine.name, s, status))
        if not threads:
            rows.insert(3, ("tally --threads 1", None, "n/a (`tally run` has no --threads option)"))
        notes = [
            f"Input: {len(pos_files)} POS files + inventory = {input_bytes / 1e6:.1f} MB; "
            f"load average 1 min {load_before[0]:.2f} before, {load_after[0]:.2f} after (nproc {os.cpu_count()}).",
        ]
        if not threads:
            notes.append("tally --threads: n/a — `tally run --help` lists no --threads option; the engine runs on "
                         "one thread, so the 2-thread target (≥ 1.7× over 1 thread) cannot be measured yet.")
        else:
            by = {name: s for name, s, _ in rows}
            t1, t2 = by.get("tally --threads 1"), by.get("tally --threads 2")
            if t1 and t2:
                notes.append(f"tally 2 threads vs 1 thread: {t1['wall'] / t2['wall']:.2f}× faster (target ≥ 1.7×).")
        print_table(f"{label}: {len(pos_files)} POS files, {input_bytes / 1e6:.1f} MB", input_bytes, rows,
                    "tally", notes)

        # ---- Same results?
        print(f"\n#### {label}: results\n")
        tally_dir = os.path.join(args.work, label, "tally")
        db = os.path.join(tally_dir, "root", "warehouse", "tally.db")
        if not os.path.isfile(db) or not results.get("tally") or results["tally"][-1].status != "ok":
            print("- tally did not finish: nothing to compare")
            continue
        export = os.path.join(tally_dir, "export")
        os.makedirs(export, exist_ok=True)
        lines = []
        for table in compare.TABLES:
            compare.export_tally_table(db, table, args.date, os.path.join(export, table + ".csv"))
        recon_columns = compare.TABLES["fact_inventory_reconciliation"][0]
        partition = os.path.join(tally_dir, "root", "curated", "reconciliation", f"date={args.date}", "part-00000.csv")
        ok, detail = compare.compare(os.path.join(export, "fact_inventory_reconciliation.csv"), partition,
                                     recon_columns)
        lines.append(("tally CSV partition", "fact_inventory_reconciliation", ok, detail))
        ok, detail = compare.compare_ground_truth(os.path.join(export, "fact_inventory_reconciliation.csv"),
                                                  os.path.join(dataset, "expected", f"date={args.date}"))
        if ok is not None:
            lines.append(("generator ground truth", "discrepancies", ok, detail))
        for engine in engines:
            if not engine.compare_outputs:
                continue
            last = results[engine.name][-1] if results[engine.name] else None
            if last is None or last.status != "ok":
                lines.append((engine.name, "(all)", None, f"not compared: {last.status if last else 'not run'}"))
                continue
            out = os.path.join(args.work, label, engine.slug, "out")
            for table, (columns, _) in compare.TABLES.items():
                ok, detail = compare.compare(os.path.join(export, table + ".csv"), os.path.join(out, table + ".csv"),
                                             columns)
                lines.append((engine.name, table, ok, detail))
        print("| vs tally | table | result | detail |\n|---|---|---|---|")
        for who, table, ok, detail in lines:
            verdict = "OK" if ok else ("DIFF" if ok is False else "SKIP")
            print(f"| {who} | {table} | {verdict} | {detail} |")
            if ok is False:
                failures.append(f"{label}: {who} {table}: {detail}")
        sys.stdout.flush()

    if failures:
        log("\nFAILED (result differences or failed runs):\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
