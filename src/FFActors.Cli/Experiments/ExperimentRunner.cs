using System.Text.Json;
using FFActors.Cli.Output;
using FFActors.Core.Platform;
using Spectre.Console;

namespace FFActors.Cli.Experiments;

/// <summary>
/// Runs every arm × seed of an experiment (several at once when cores allow, each with its share
/// of the cores), skips arm-seeds already finished with the same configuration, keeps going when
/// one fails, and writes the report. Returns 0 when every arm-seed succeeded, 1 otherwise (the caller tells a stop apart).
/// </summary>
public static class ExperimentRunner
{
    public static int Run(ExperimentSpec spec, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(spec.OutDir);
        AtomicFile.WriteText(Path.Combine(spec.OutDir, "experiment.conf"),
            $"# {spec.File}{(spec.Quick ? " (run with --quick)" : "")}\n" + File.ReadAllText(spec.File));
        var jobs = spec.Arms.SelectMany(a => spec.Seeds.Select(s => new ArmJob(a, s, Path.Combine(spec.OutDir, "arms", a.FolderName, $"seed-{s}")))).ToList();

        var results = new ArmResult?[jobs.Count];
        var pending = new List<int>();
        var skips = new List<(ArmJob Job, string Why)>();
        for (int i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var fingerprint = ArmConfig.Bind(spec, job.Arm, job.Seed).Fingerprint(spec, job.Arm);
            var previous = Read(Path.Combine(job.Folder, ArmRunner.ResultFile));
            if (previous is { Ok: true } && previous.Fingerprint == fingerprint)
            {
                results[i] = previous;
                skips.Add((job, "finished earlier with the same configuration"));
                continue;
            }
            if (previous is { Ok: true }) skips.Add((job, "configuration changed since it finished: running it again"));
            pending.Add(i);
        }

        int parallel = Math.Max(1, Math.Min(spec.Parallel, pending.Count));
        int threads = Math.Max(1, Environment.ProcessorCount / parallel);
        string header = $"experiment {spec.Name}{(spec.Quick ? " (quick)" : "")}: {spec.Arms.Count} arms × {spec.Seeds.Count} seeds, {pending.Count} to run, {parallel} at a time with {threads} thread(s) each → {spec.OutDir}";

        void Work(ExperimentProgress progress)
        {
            foreach (var (job, why) in skips.Where(s => s.Why.StartsWith("finished", StringComparison.Ordinal))) progress.Skipped(job, why);
            foreach (var (job, why) in skips.Where(s => !s.Why.StartsWith("finished", StringComparison.Ordinal))) Console.WriteLine($"{job.Label}: {why}");
            int next = -1;
            var workers = Enumerable.Range(0, parallel).Select(_ => new Thread(() =>
            {
                while (!cancel.IsCancellationRequested)
                {
                    int k = Interlocked.Increment(ref next);
                    if (k >= pending.Count) return;
                    int i = pending[k];
                    var job = jobs[i];
                    var armConfig = ArmConfig.Bind(spec, job.Arm, job.Seed);
                    var tracker = new ArmProgress(job.Arm.IsTrain || job.Arm.Kind == "ff-features" ? armConfig.Config.Train.Epochs : 0);
                    progress.Started(job, tracker);
                    // Each arm-seed on a thread of its own that ends with it: the OpenMP pool its in-process work (evaluation,
                    // probes) leaves on that thread must not outlive it and slow the next arm's training (TorchSetup.OnOneThread).
                    var result = TorchSetup.OnTransientThread(threads,
                        () => ArmRunner.Run(spec, job.Arm, job.Seed, job.Folder, threads, parallel > 1, tracker, cancel), "experiment-arm");
                    results[i] = result;
                    progress.Finished(job, result);
                }
            }) { IsBackground = true, Name = "experiment-worker" }).ToList();
            foreach (var w in workers) w.Start();
            while (workers.Any(w => w.IsAlive))
            {
                progress.Tick();
                Thread.Sleep(250);
            }
        }

        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.MarkupLine("[bold]" + Markup.Escape(header) + "[/]");
            AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx => Work(new ExperimentProgress(jobs.Count, parallel, ctx, pending.Select(i => jobs[i]).ToList())));
        }
        else
        {
            Console.WriteLine(header);
            Work(new ExperimentProgress(jobs.Count, parallel, null, pending.Select(i => jobs[i]).ToList()));
        }

        var finished = results.Where(r => r is not null).Select(r => r!).ToList();
        var report = ExperimentReport.Write(spec, finished);
        Console.WriteLine(report.Markdown);
        int failures = finished.Count(r => !r.Ok) + results.Count(r => r is null);
        if (cancel.IsCancellationRequested)
            Console.Error.WriteLine($"ffactors: stopped with {finished.Count(r => r.Ok)} of {jobs.Count} arm-seeds finished; run the same command again to continue " +
                "(finished arm-seeds are kept, a stopped one continues from its last checkpoint)");
        else if (failures > 0) Console.Error.WriteLine($"ffactors: {failures} of {jobs.Count} arm-seeds failed or did not run; see {Path.Combine(spec.OutDir, "results.md")}");
        return failures > 0 ? 1 : 0;
    }

    static ArmResult? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ArmResult>(File.ReadAllText(path), ArmRunner.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
