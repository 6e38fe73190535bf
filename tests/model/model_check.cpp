// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Relacy model check of the portable protocol code (include/cmshm/), built
 * as C++ against model_port.h. Runs every scenario (or those named on the
 * command line) and prints one TAP line each; exits 1 if any failed.
 *
 *   model_check [-l LOGDIR] [-i ITERATIONS] [-q] [-t TAPFILE] [scenario...]
 *
 * -l: write each scenario's relacy output (on failure: the interleaving,
 *     every shared access with its value and source line) to
 *     LOGDIR/<scenario>.log; -i: iterations of every random-scheduler
 *     scenario instead of its default; -q: no history excerpt in the TAP
 *     diagnostics.
 *
 * The scheduler is relacy's random scheduler (it explores both the thread
 * interleaving and which store each relaxed load returns, up to 2 stores
 * back in a word's history); relacy's full search scheduler only lets a
 * load return the latest or the previous store, and does not finish on
 * these polling loops. Iteration i uses seed i, so runs are reproducible.
 * A scenario without polling loops that targets one race runs relacy's
 * context-bounded tree search instead (run_bound()): exhaustive up to a
 * number of preemptions, whatever -i says.
 *
 * Copyright (C) 2026 The cmshm authors
 */
/* The C++ library first: relacy's macros (new, delete, ...) break it. */
#include <ctime>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "model_port.h"
#include "scenario_ring.h"
#include "scenario_link.h"
#include "scenario_doorbell.h"
#include "scenario_remote.h"
#include "scenario_notify.h"
#include "scenario_batch.h"

/**
 * struct scenario - one model check.
 * @name:  command-line and log name.
 * @desc:  what it checks (TAP description).
 * @iters: default iteration count (random scheduler; 0 with run_bound()).
 * @run:   runs relacy with the given parameters.
 */
struct scenario {
	const char *name;
	const char *desc;
	unsigned long iters;
	bool (*run)(rl::test_params &p);
};

template <class T> static bool run_one(rl::test_params &p)
{
	return rl::simulate<T>(p);
}

/*
 * Exhaustive within a bound: relacy's context-bounded tree search, for a
 * scenario without polling loops. Every interleaving with at most BOUND
 * preemptions (a switch away from a thread that could go on), and for
 * each relaxed load both the latest and the previous store, is run once;
 * the iteration count is the size of that tree, not a budget.
 */
template <class T, unsigned BOUND> static bool run_bound(rl::test_params &p)
{
	p.search_type = rl::sched_bound;
	p.context_bound = BOUND;
	return rl::simulate<T>(p);
}

static const struct scenario scenarios[] = {
	{ "ring_wrap", "(a) h2r wraps with a pad record, 3 messages",
	  200000, run_one<ring_wrap> },
	{ "ring_both", "(b) both directions at once, 3 messages each",
	  200000, run_one<ring_both> },
	{ "handshake_host_first",
	  "(c) handshake from stale RAM, host first, then traffic",
	  200000, run_one<handshake_host_first> },
	{ "handshake_remote_first",
	  "(c) handshake from stale RAM, remote first, then traffic",
	  200000, run_one<handshake_remote_first> },
	{ "restart_producer",
	  "(d) remote restarts while producing; no message twice",
	  200000, run_one<restart_producer> },
	{ "restart_consumer",
	  "(d) remote restarts while consuming; no message twice",
	  200000, run_one<restart_consumer> },
	{ "restart_producer_failclosed",
	  "(d) as restart_producer, protocol errors fail closed",
	  200000, run_one<restart_producer_failclosed> },
	{ "restart_consumer_failclosed",
	  "(d) as restart_consumer, protocol errors fail closed",
	  200000, run_one<restart_consumer_failclosed> },
	{ "restart_producer_lazy",
	  "(d) as restart_producer, the host following the link lazily",
	  200000, run_one<restart_producer_lazy> },
	{ "restart_consumer_lazy",
	  "(d) as restart_consumer, the host following the link lazily",
	  200000, run_one<restart_consumer_lazy> },
	{ "restart_read_peer",
	  "(d) a restart racing read_peer; the old READY never taken for the new session",
	  0, run_bound<restart_read_peer, RP_BOUND> },
	{ "doorbell_coalesced",
	  "(e) driver replica: a coalesced kick's message has a doorbell",
	  1000000, run_one<doorbell_coalesced> },
	{ "remote_header_restart",
	  "(f) endpoint library: a header copied across a host restart is never used",
	  200000, run_one<remote_header_restart> },
	{ "wake_no_miss",
	  "(e) driver replica: a reader never sleeps through a wake-up",
	  1000000, run_one<wake_no_miss> },
	{ "notify_data",
	  "(g) doorbell suppression: a consumer that asked for data is rung",
	  500000, run_one<notify_data> },
	{ "notify_space",
	  "(g) doorbell suppression: a producer that asked for space is rung",
	  200000, run_one<notify_space> },
	{ "batch_space",
	  "(h) space in batches: a producer is rung by a release at or below half",
	  200000, run_one<batch_space> },
	{ "batch_flush",
	  "(h) space in batches: a held doorbell is rung before the host waits",
	  200000, run_one<batch_flush> },
};

#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

/* The relacy line saying what failed, e.g. "USER ASSERT FAILED (...)". */
static std::string first_failure(const std::string &out)
{
	std::istringstream in(out);
	std::string line;

	while (std::getline(in, line))
		if (line.find("FAILED") != std::string::npos ||
		    line.find("DETECTED") != std::string::npos)
			return line;
	return "unknown failure";
}

/* Name of the shared word at byte offset @off of the model region. */
static std::string word_name(unsigned off)
{
	static const char *const ctrl[] = { "state", "session", "ack",
					    "features" };
	char buf[48];

	if (model_cur_bytes != MODEL_REGION_BYTES) {
		/* scenario_remote.h's whole-header layout */
		snprintf(buf, sizeof(buf), "region+%u", off);
		return buf;
	}
	if (off < MODEL_REMOTE_CTRL)
		snprintf(buf, sizeof(buf), "host.%s", ctrl[off / 4u]);
	else if (off < MODEL_H2R_HEAD)
		snprintf(buf, sizeof(buf), "remote.%s",
			 ctrl[(off - MODEL_REMOTE_CTRL) / 4u]);
	else if (off == MODEL_H2R_HEAD)
		snprintf(buf, sizeof(buf), "h2r.head");
	else if (off == MODEL_WANT(MODEL_H2R_HEAD))
		snprintf(buf, sizeof(buf), "h2r.head.want(space)");
	else if (off == MODEL_H2R_TAIL)
		snprintf(buf, sizeof(buf), "h2r.tail");
	else if (off == MODEL_WANT(MODEL_H2R_TAIL))
		snprintf(buf, sizeof(buf), "h2r.tail.want(data)");
	else if (off == MODEL_R2H_HEAD)
		snprintf(buf, sizeof(buf), "r2h.head");
	else if (off == MODEL_WANT(MODEL_R2H_HEAD))
		snprintf(buf, sizeof(buf), "r2h.head.want(space)");
	else if (off == MODEL_R2H_TAIL)
		snprintf(buf, sizeof(buf), "r2h.tail");
	else if (off == MODEL_WANT(MODEL_R2H_TAIL))
		snprintf(buf, sizeof(buf), "r2h.tail.want(data)");
	else if (off >= MODEL_H2R_DATA && off < MODEL_R2H_DATA)
		snprintf(buf, sizeof(buf), "h2r.data+%u",
			 off - MODEL_H2R_DATA);
	else if (off >= MODEL_R2H_DATA && off < MODEL_REGION_BYTES)
		snprintf(buf, sizeof(buf), "r2h.data+%u",
			 off - MODEL_R2H_DATA);
	else
		snprintf(buf, sizeof(buf), "?+%u", off);
	return buf;
}

/* Replace relacy's "<0x...>" object address by the shared word's name. */
static std::string name_addresses(const std::string &line)
{
	size_t a = line.find("<0x"), b;
	uintptr_t p, base = (uintptr_t)&model_cur_w[0];
	size_t stride = sizeof(model_cur_w[0]);

	if (a == std::string::npos)
		return line;
	b = line.find('>', a);
	if (b == std::string::npos)
		return line;
	p = (uintptr_t)strtoull(line.c_str() + a + 1, NULL, 16);
	if (p < base || p >= base + stride * (model_cur_bytes / 4u))
		return line;
	return line.substr(0, a) + "<" +
	       word_name((unsigned)((p - base) / stride * 4u)) + ">" +
	       line.substr(b + 1);
}

/* The last @n lines of relacy's interleaved execution history. */
static void print_history_tail(const std::string &out, unsigned n)
{
	std::istringstream in(out);
	std::string line;
	std::string lines[64];
	unsigned count = 0, i, in_hist = 0;

	while (std::getline(in, line)) {
		if (line.compare(0, 17, "execution history") == 0) {
			in_hist = 1;
			continue;
		}
		if (!in_hist)
			continue;
		if (line.empty() || line.compare(0, 6, "thread") == 0)
			break;
		lines[count++ % 64] = line;
	}
	if (n > 64)
		n = 64;
	for (i = count > n ? count - n : 0; i < count; i++)
		printf("#   %s\n", name_addresses(lines[i % 64]).c_str());
}

/* Run @s, print its TAP line as test @n; 0 if it passed, 1 if not. */
static int run_scenario(const struct scenario *s, unsigned n,
			unsigned long iters, const char *logdir, int quiet)
{
	std::string out;
	rl::test_params p;
	clock_t t0;
	double secs;
	bool ok;
	FILE *log;
	char buf[4096];
	size_t got;
	int saved;

	/*
	 * relacy replaces operator new/delete, and crashes when a growing
	 * std::ostringstream reallocates while it prints a history; so its
	 * output goes to std::cout with fd 1 pointed at the log file.
	 */
	if (logdir)
		log = fopen((std::string(logdir) + "/" + s->name +
			     ".log").c_str(), "w+");
	else
		log = tmpfile();
	if (!log)
		return 2;
	fflush(stdout);
	saved = dup(1);
	dup2(fileno(log), 1);
	p.search_type = rl::random_scheduler_type;
	p.iteration_count = iters ? iters : s->iters;
	/* Scheduling points per iteration before relacy calls it a
	 * livelock; the polling loops need far fewer.
	 */
	p.execution_depth_limit = 20000;
	p.output_stream = &std::cout;
	p.progress_stream = &std::cout;
	t0 = clock();
	ok = s->run(p);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	std::cout.flush();
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(log);
	while ((got = fread(buf, 1, sizeof(buf), log)) > 0)
		out.append(buf, got);
	fclose(log);
	if (ok && p.search_type == rl::sched_bound) {
		/* stop_iteration: the last one, counted from 0 */
		printf("ok %u - %s %s (%lu iterations, all of them with "
		       "context bound %u, %.1f s)\n", n, s->name, s->desc,
		       (unsigned long)p.stop_iteration + 1ul,
		       p.context_bound, secs);
	} else if (ok) {
		printf("ok %u - %s %s (%lu iterations, random scheduler, "
		       "%.1f s)\n", n, s->name, s->desc,
		       (unsigned long)p.iteration_count, secs);
	} else {
		printf("not ok %u - %s %s: %s at iteration %lu (%.1f s)\n",
		       n, s->name, s->desc,
		       first_failure(out).c_str(),
		       (unsigned long)p.stop_iteration, secs);
		if (!quiet) {
			printf("# end of the interleaving (thread 0 host, "
			       "1 remote):\n");
			print_history_tail(out, 24);
		}
		if (logdir)
			printf("# full history: %s/%s.log\n", logdir,
			       s->name);
	}
	fflush(stdout);
	return ok ? 0 : 1;
}

/* Result lines of TAP output @path: "ok"/"not ok" lines and the plan. */
struct tap_file {
	std::string lines[32];
	unsigned count;
	int planned;	/* N of its "1..N", -1 if none */
	int error;	/* unreadable, empty or not as planned */
};

static void tap_read(struct tap_file *t, const char *path)
{
	char buf[1024];
	FILE *f = fopen(path, "r");

	t->count = 0;
	t->planned = -1;
	t->error = !f;
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		std::string l(buf);

		if (!l.empty() && l[l.size() - 1] == '\n')
			l.erase(l.size() - 1);
		if (l.compare(0, 3, "1..") == 0)
			t->planned = atoi(l.c_str() + 3);
		else if ((l.compare(0, 2, "ok") == 0 ||
			  l.compare(0, 6, "not ok") == 0) && t->count < 32)
			t->lines[t->count++] = l;
	}
	fclose(f);
	if (!t->count || t->planned != (int)t->count)
		t->error = 1;
}

/* Print result @l of a TAP file as test @n; 1 if it is a failure. */
static int tap_print(const std::string &l, unsigned n)
{
	int bad = l.compare(0, 6, "not ok") == 0;
	size_t i = bad ? 6 : 2;

	while (i < l.size() && (l[i] == ' ' || (l[i] >= '0' && l[i] <= '9')))
		i++;
	printf("%s %u %s\n", bad ? "not ok" : "ok", n, l.c_str() + i);
	return bad;
}

int main(int argc, char **argv)
{
	const char *logdir = NULL, *tapfile = NULL;
	struct tap_file tap = { {}, 0, -1, 0 };
	unsigned long iters = 0;
	int quiet = 0, failed = 0, argi;
	unsigned i, n = 0, plan = 0;
	bool want[N_SCENARIOS];

	for (argi = 1; argi < argc && argv[argi][0] == '-'; argi++) {
		std::string a = argv[argi];

		if (a == "-l" && argi + 1 < argc)
			logdir = argv[++argi];
		else if (a == "-i" && argi + 1 < argc)
			iters = strtoul(argv[++argi], NULL, 0);
		else if (a == "-q")
			quiet = 1;
		else if (a == "-t" && argi + 1 < argc)
			tapfile = argv[++argi];
		else {
			fprintf(stderr, "usage: %s [-l LOGDIR] [-i N] [-q] "
				"[-t TAPFILE] [scenario...]\n", argv[0]);
			return 2;
		}
	}
	for (i = 0; i < N_SCENARIOS; i++) {
		int k;

		want[i] = argi == argc;
		for (k = argi; k < argc; k++)
			if (std::string(argv[k]) == scenarios[i].name)
				want[i] = true;
		plan += want[i];
	}
	if (!plan) {
		fprintf(stderr, "no such scenario\n");
		return 2;
	}
	if (tapfile)
		tap_read(&tap, tapfile);
	printf("1..%u\n", plan + tap.count + tap.error);
	for (i = 0; i < tap.count; i++)
		failed |= tap_print(tap.lines[i], ++n);
	if (tap.error) {
		printf("not ok %u - %s: unreadable, no result or not as "
		       "planned (%u of %d)\n", ++n, tapfile, tap.count,
		       tap.planned);
		failed = 1;
	}
	fflush(stdout);
	for (i = 0; i < N_SCENARIOS; i++) {
		int status;
		pid_t pid;

		if (!want[i])
			continue;
		n++;
		/*
		 * One child per scenario: relacy cannot run another
		 * simulation (nor exit cleanly) after a failed one.
		 */
		pid = fork();
		if (pid == 0)
			_exit(run_scenario(&scenarios[i], n, iters, logdir,
					   quiet));
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
			printf("not ok %u - %s: the model checker crashed\n",
			       n, scenarios[i].name);
			failed = 1;
		} else if (WEXITSTATUS(status)) {
			failed = 1;
		}
		fflush(stdout);
	}
	return failed;
}
