package ai.portal.jobs.status;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The portal's own estimate of when a queued workload starts: a small simulation of the team's queue on one
 * resource (the one it waits for, usually GPUs of one type). What runs frees its share when its max runtime ends;
 * what waits ahead is admitted in queue order whenever it fits (Kueue's default BestEffortFIFO: a workload that
 * does not fit does not hold back smaller ones behind it), then runs for its max runtime. The workload starts at
 * the first moment it fits.
 *
 * <p>Two runs of the simulation: {@code latest} with every max runtime used in full (an upper bound when every
 * workload involved has one), {@code estimated} with runtimes scaled by how much of their max runtime this team's
 * finished jobs really used (median; 1 without history). Pure: no clock, no I/O.
 */
public final class EtaEstimator {

    private EtaEstimator() {
    }

    /** Something holding quota now: how much, and since when with what max runtime (null: no limit known). */
    public record Holder(BigDecimal amount, Instant since, Duration maxRuntime) {
    }

    /** Something ahead in the queue: how much it needs, how long it may run (null: no limit known). */
    public record Waiter(BigDecimal amount, Duration maxRuntime) {
    }

    /**
     * @param ratio        median fraction of their max runtime this team's finished jobs ran (0 &lt; ratio &le; 1)
     * @param ratioSamples how many finished jobs {@code ratio} comes from
     */
    public record History(double ratio, int ratioSamples) {
        public static final History NONE = new History(1.0, 0);
    }

    public record Estimate(Instant estimated, Instant latest, String confidence, String basis) {
    }

    public static Estimate estimate(BigDecimal capacity, List<Holder> running, List<Waiter> ahead, BigDecimal need,
                                    Instant now, History history) {
        if (need.compareTo(capacity) > 0) {
            return new Estimate(null, null, "none", "it needs more than the team's quota: it starts only when idle "
                    + "quota of other teams can be borrowed");
        }
        double ratio = history.ratioSamples() == 0 ? 1.0 : Math.min(1.0, Math.max(0.05, history.ratio()));
        Instant latest = simulate(capacity, running, ahead, need, now, 1.0);
        Instant estimated = simulate(capacity, running, ahead, need, now, ratio);
        long unknownRunning = running.stream().filter(holder -> holder.maxRuntime() == null).count();
        long unknownAhead = ahead.stream().filter(waiter -> waiter.maxRuntime() == null).count();
        StringBuilder basis = new StringBuilder();
        if (estimated == null) {
            basis.append("no estimate: it waits for ")
                    .append(unknownRunning + unknownAhead == 1 ? "a workload" : "workloads")
                    .append(" without a max runtime (notebooks run until stopped)");
            return new Estimate(null, null, "none", basis.toString());
        }
        basis.append("from the max runtimes of ").append(running.size()).append(" running and ")
                .append(ahead.size()).append(" waiting workload").append(running.size() + ahead.size() == 1 ? "" : "s");
        if (history.ratioSamples() > 0) {
            basis.append("; this team's jobs used ").append(Math.round(ratio * 100))
                    .append("% of their max runtime (median of ").append(history.ratioSamples()).append(')');
        }
        if (unknownRunning + unknownAhead > 0) {
            basis.append("; assumes workloads without a max runtime keep running");
        }
        basis.append("; counts the team's quota, not free nodes");
        String confidence = history.ratioSamples() >= 20 ? "high" : history.ratioSamples() >= 5 ? "medium" : "low";
        if (!estimated.isAfter(now)) {
            confidence = "high";
        }
        return new Estimate(estimated, latest, confidence, basis.toString());
    }

    private record Release(Instant at, BigDecimal amount) {
    }

    private static Instant simulate(BigDecimal capacity, List<Holder> running, List<Waiter> ahead, BigDecimal need,
                                    Instant now, double ratio) {
        BigDecimal free = capacity;
        PriorityQueue<Release> releases = new PriorityQueue<>(Comparator.comparing(Release::at));
        for (Holder holder : running) {
            free = free.subtract(holder.amount());
            if (holder.maxRuntime() != null) {
                Instant expectedEnd = holder.since().plus(scale(holder.maxRuntime(), ratio));
                releases.add(new Release(expectedEnd.isBefore(now) ? now : expectedEnd, holder.amount()));
            }
        }
        List<Waiter> queue = new ArrayList<>(ahead);
        Instant time = now;
        while (true) {
            for (var iterator = queue.iterator(); iterator.hasNext(); ) {
                Waiter waiter = iterator.next();
                if (waiter.amount().compareTo(free) <= 0) {
                    free = free.subtract(waiter.amount());
                    iterator.remove();
                    if (waiter.maxRuntime() != null) {
                        releases.add(new Release(time.plus(scale(waiter.maxRuntime(), ratio)), waiter.amount()));
                    }
                }
            }
            if (need.compareTo(free) <= 0) {
                return time;
            }
            Release next = releases.poll();
            if (next == null) {
                return null;
            }
            time = next.at().isAfter(time) ? next.at() : time;
            free = free.add(next.amount());
        }
    }

    private static Duration scale(Duration duration, double ratio) {
        return Duration.ofMillis(Math.round(duration.toMillis() * ratio));
    }
}
