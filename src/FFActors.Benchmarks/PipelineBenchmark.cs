using System.Diagnostics;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime;
using static TorchSharp.torch;

namespace FFActors.Benchmarks;

/// <param name="Configs">Layer sizes to measure, input first; default [784, 500, 500] and [784, 1000, 1000, 1000, 1000].</param>
/// <param name="BatchSizes">Default 100 and 1000.</param>
/// <param name="Samples">Training samples per measured epoch (the first N of MNIST); default all 60 000, a real
/// epoch, so the pipeline's fill and drain at the epoch's ends weigh as much as they do in training.</param>
/// <param name="DataDir">Folder with mnist/ in it.</param>
/// <param name="GemmSeconds">Time spent measuring the matmul rate (each thread setting).</param>
/// <param name="FreeRunSeconds">Wall time of the free-running lanes (<see cref="PipelineBenchmarkRow.FreeRunning"/>).</param>
/// <param name="IncludeCoreLoop">Also time Core's FFTrainer (no actors) with one thread, to show the actors' own cost
/// (in the first round only: it is there for comparison, not for a target).</param>
/// <param name="IncludeReferenceLoop">Also time the straightforward way to write FF with the same library, in every round: Core's
/// FFTrainer in one process, no actors, every dense layer on its reference step (autograd, <c>loss.backward()</c>,
/// torch.optim.Adam; <see cref="DenseKernel.Reference"/>) with intra-op threads = cores, over the same layers and batches; and once
/// (first round) with one intra-op thread, beside Core's loop with the blocked kernel on one thread: the kernels' own gain.</param>
/// <param name="Rounds">Times every mode of a row is measured, each round preceded by a fresh measurement of the matmul rate;
/// the row reports the median round of each mode and the median rate. On a shared machine one epoch of a mode can land in
/// another tenant's burst, and a rate measured minutes before the timings need not hold during them.</param>
/// <param name="IncludeBf16">Also time the pipeline (a thread per layer) with bfloat16 matmuls (<c>model.kernel = blocked-bf16</c>)
/// in every round, beside the float32 pipeline: that option's gain on this CPU.</param>
public sealed record PipelineBenchmarkOptions(
    IReadOnlyList<int[]>? Configs = null,
    IReadOnlyList<int>? BatchSizes = null,
    int Samples = 60000,
    int CreditWindow = 3,
    string DataDir = "samples/data",
    long Seed = 1,
    double GemmSeconds = 1.0,
    bool IncludeCoreLoop = true,
    double FreeRunSeconds = 2.0,
    int Rounds = 3,
    bool IncludeReferenceLoop = true,
    bool IncludeBf16 = true)
{
    public IReadOnlyList<int[]> ConfigsOrDefault => Configs ?? [[784, 500, 500], [784, 1000, 1000, 1000, 1000]];
    public IReadOnlyList<int> BatchSizesOrDefault => BatchSizes ?? [100, 1000];
}

/// <summary>Measures what the actor pipeline gains over sequential training on this machine.</summary>
public static class PipelineBenchmark
{
    public static PipelineBenchmarkReport Run(PipelineBenchmarkOptions options, Action<string>? progress = null, CancellationToken cancel = default)
    {
        var total = Stopwatch.StartNew();
        int cores = Environment.ProcessorCount;
        double? loadBefore = CpuAccounting.LoadAverage();
        if (options.Rounds < 1) throw new ArgumentOutOfRangeException(nameof(options), $"rounds: {options.Rounds} must be at least 1");
        int callerThreads = get_num_threads();
        try
        {
            progress?.Invoke("measuring the matmul rate");
            double gemmAll = GemmGflops(cores, options.GemmSeconds);
            double gemmOne = GemmGflops(1, options.GemmSeconds);
            double gemmConcurrent = ConcurrentGemmGflops(cores, options.GemmSeconds);

            var rows = new List<PipelineBenchmarkRow>();
            using var data = DatasetLoader.Load(new DataOptions(Dir: options.DataDir, TrainLimit: options.Samples, TestLimit: 1), CPU);
            foreach (var layers in options.ConfigsOrDefault)
                foreach (int batch in options.BatchSizesOrDefault)
                {
                    cancel.ThrowIfCancellationRequested();
                    rows.Add(Measure(layers, batch, data, options, cores, progress, cancel));
                }
            double? loadAfter = CpuAccounting.LoadAverage();
            return new PipelineBenchmarkReport(cores, gemmAll, gemmOne, rows, total.Elapsed.TotalSeconds,
                loadBefore is { } b && loadAfter is { } a ? (b, a) : null, gemmConcurrent);
        }
        finally
        {
            set_num_threads(callerThreads);
        }
    }

    static PipelineBenchmarkRow Measure(int[] layers, int batch, DataSplits data, PipelineBenchmarkOptions o, int cores,
        Action<string>? progress, CancellationToken cancel)
    {
        var config = new FFConfig(new RunOptions(Seed: o.Seed), new DataOptions(Dir: o.DataDir, TrainLimit: o.Samples),
            new ModelOptions(layers), new TrainOptions(Schedule.Simultaneous, 1, batch, Optimizer: new OptimizerOptions(LearningRate: 0.01)),
            new EvalOptions(HeadEpochs: 0, ValidateEachEpoch: false));
        string name = $"[{string.Join(", ", layers)}] batch {batch}";

        // Warm-up: JIT, libtorch's allocator and kernels, on a few batches.
        using (var warm = new DataSplits(data.Info, data.Train.Slice("warm", 0, Math.Min(data.Train.Count, 3 * batch)), null, data.Test.Slice("t", 0, 1)))
        {
            Time("warm-up", config, new RuntimeOptions(ExecutionMode.Sequential, o.CreditWindow, 1, 0, false), warm, cores, 0, cancel);
            if (o.IncludeReferenceLoop) ReferenceLoop(config, warm, cores);
            if (o.IncludeBf16)
                Time("warm-up", config with { Model = config.Model with { Kernel = DenseKernel.BlockedBf16 } },
                    new RuntimeOptions(ExecutionMode.Sequential, o.CreditWindow, 1, 0, false), warm, cores, 0, cancel);
        }

        double? core = null, referenceOne = null;
        var reference = new List<double>();
        var runs = new List<ModeMeasurement>();
        var rates = new List<double>();
        bool laning = layers.Length - 1 > cores;
        for (int round = 1; round <= o.Rounds; round++)
        {
            string at = o.Rounds > 1 ? $"{name}, round {round} of {o.Rounds}" : name;
            progress?.Invoke($"{at}: the matmul rate");
            rates.Add(PipelineBenchmarkReport.BoundRate(GemmGflops(cores, o.GemmSeconds), ConcurrentGemmGflops(cores, o.GemmSeconds)));
            if (o.IncludeCoreLoop && round == 1)
            {
                progress?.Invoke($"{at}: core loop, 1 thread");
                IntraOpThreads.Set(1);
                using var net = new FFNetwork(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, CPU);
                core = new FFTrainer(config).Train(net, data)[0].SamplesPerSecond;
            }
            if (o.IncludeReferenceLoop)
            {
                progress?.Invoke($"{at}: reference loop (autograd + torch.optim.Adam, no actors), {cores} threads");
                reference.Add(ReferenceLoop(config, data, cores));
                if (round == 1)
                {
                    progress?.Invoke($"{at}: reference loop, 1 thread");
                    referenceOne = ReferenceLoop(config, data, 1);
                }
            }
            progress?.Invoke($"{at}: sequential, 1 thread");
            runs.Add(Time("sequential-1", config, new RuntimeOptions(ExecutionMode.Sequential, o.CreditWindow, 1, 0, false), data, cores, round, cancel));
            progress?.Invoke($"{at}: sequential, {cores} threads");
            runs.Add(Time($"sequential-{cores}", config, new RuntimeOptions(ExecutionMode.Sequential, o.CreditWindow, cores, 0, false), data, cores, round, cancel));
            progress?.Invoke($"{at}: pipeline, a thread per layer");
            runs.Add(Time("pipeline", config, new RuntimeOptions(ExecutionMode.Pipeline, o.CreditWindow, 0, 0, false, Lanes: 0), data, cores, round, cancel));
            if (o.IncludeBf16)
            {
                progress?.Invoke($"{at}: pipeline, a thread per layer, bfloat16 matmuls");
                var bf16 = config with { Model = config.Model with { Kernel = DenseKernel.BlockedBf16 } };
                runs.Add(Time("pipeline-bf16", bf16, new RuntimeOptions(ExecutionMode.Pipeline, o.CreditWindow, 0, 0, false, Lanes: 0), data, cores, round, cancel));
            }
            progress?.Invoke($"{at}: pipeline, a thread per layer, no work sharing");
            runs.Add(Time("pipeline-unshared", config, new RuntimeOptions(ExecutionMode.Pipeline, o.CreditWindow, 0, 0, false, Lanes: 0, WorkSharing: false),
                data, cores, round, cancel));
            if (laning)
            {
                progress?.Invoke($"{at}: pipeline, {cores} lanes");
                runs.Add(Time($"pipeline-{cores}-lanes", config, new RuntimeOptions(ExecutionMode.Pipeline, o.CreditWindow, 0, 0, false, Lanes: cores),
                    data, cores, round, cancel));
            }
        }
        progress?.Invoke($"{name}: each layer's step alone, 1 thread");
        var stepMs = LayerStepTimes(config, batch);
        progress?.Invoke($"{name}: the layers stepping free on {Math.Min(cores, layers.Length - 1)} threads at once");
        double free = FreeRunningSamplesPerSecond(config, batch, cores, stepMs, o.FreeRunSeconds);

        return PipelineBenchmarkRow.Of(layers, batch, data.Train.Count, cores, core, runs, rates, stepMs, free,
            reference.Count > 0 ? Median.Lower(reference, r => r) : null, referenceOne);
    }

    /// <summary>
    /// Samples/s of one epoch of the plain loop a user would write with TorchSharp: Core's trainer in this thread, each dense
    /// layer's step through autograd and torch.optim.Adam (<see cref="ReferenceDenseKernel"/>), with <paramref name="threads"/> intra-op threads.
    /// </summary>
    static double ReferenceLoop(FFConfig config, DataSplits data, int threads)
    {
        var plain = config with { Model = config.Model with { Kernel = DenseKernel.Reference } };
        IntraOpThreads.Set(threads);
        using var net = new FFNetwork(plain.Model, plain.Train.OptimizerOrDefault, plain.Run.Seed, CPU);
        return new FFTrainer(plain).Train(net, data)[0].SamplesPerSecond;
    }

    /// <summary>Median milliseconds of one training step of each layer of <paramref name="config"/>, alone on one intra-op thread.</summary>
    static double[] LayerStepTimes(FFConfig config, int batch, int steps = 15)
    {
        IntraOpThreads.Set(1);
        using var net = new FFNetwork(config, CPU);
        using var gen = new Generator((ulong)config.Run.Seed);
        return net.Layers.Select(layer =>
        {
            using var scope = NewDisposeScope();
            var (pos, neg) = RandomBatch(layer, batch, gen);
            var times = new List<double>();
            for (int i = 0; i < steps + 3; i++)
            {
                using var step = NewDisposeScope();
                var sw = Stopwatch.StartNew();
                layer.Step(pos, neg);
                if (i >= 3) times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[times.Count / 2];
        }).ToArray();
    }

    static ModeMeasurement Time(string mode, FFConfig config, RuntimeOptions runtime, DataSplits data, int cores, int round, CancellationToken cancel)
    {
        var cpu = new EpochCpuObserver();
        var result = PipelineRunner.Train(config, runtime, data, null, false, cpu, cancel);
        result.Network.Dispose();
        var epoch = result.Metrics.Count > 0 ? result.Metrics[0] : throw new OperationCanceledException();
        var accounting = result.Accounting ?? throw new InvalidOperationException("the runtime returned no accounting of the run");
        double wall = epoch.Seconds;
        double batches = Math.Ceiling(data.Train.Count / (double)config.Train.BatchSize);
        return new ModeMeasurement(mode, runtime.ThreadsFor(config.Model.LayerCount, cores), wall, epoch.SamplesPerSecond,
            accounting.Layers.Select(t => t.HandlerSeconds / wall).ToArray(),
            accounting.Layers.Select(t => t.ComputeSeconds / wall).ToArray(),
            accounting.Layers.Sum(t => t.HandlerSeconds - t.ComputeSeconds),
            accounting.BuildSeconds,
            accounting.Layers.Sum(t => t.ChunksShared) / batches,
            round,
            cpu.Share);
    }

    /// <summary>Uniform random positives and negatives of a layer's input shape: its step costs the same on any values.</summary>
    static (Tensor Pos, Tensor Neg) RandomBatch(IFFLayer layer, int batch, Generator gen) =>
        (rand([batch, layer.Spec.InputSize], generator: gen), rand([batch, layer.Spec.InputSize], generator: gen));

    /// <summary>
    /// Samples/s of the slowest of min(cores, layers) lanes, each stepping its layers (grouped by <see cref="LanePlan"/>
    /// on <paramref name="stepMs"/>) in a loop on its own thread with one intra-op thread, all for the same wall time.
    /// </summary>
    static double FreeRunningSamplesPerSecond(FFConfig config, int batch, int cores, IReadOnlyList<double> stepMs, double seconds = 2.0)
    {
        using var net = new FFNetwork(config, CPU);
        var lane = LanePlan.Assign(stepMs, cores);
        int lanes = lane.Max() + 1;
        var rounds = new long[lanes];
        var elapsed = new double[lanes];
        using var start = new Barrier(lanes);
        var arrived = new bool[lanes];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, lanes).Select(k => new Thread(() =>
        {
            try
            {
                Lane(k);
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
                if (!arrived[k]) start.RemoveParticipant(); // the other lanes must not wait for this one
            }
        })
        { IsBackground = true }).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (failures.TryDequeue(out var failure)) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return Enumerable.Range(0, lanes).Min(k => rounds[k] * batch / elapsed[k]);

        void Lane(int k)
        {
            IntraOpThreads.Set(1);
            var mine = net.Layers.Where((_, i) => lane[i] == k).ToArray();
            using var gen = new Generator((ulong)(config.Run.Seed + k));
            using var scope = NewDisposeScope();
            var inputs = mine.Select(l => RandomBatch(l, batch, gen)).ToArray();
            void Round()
            {
                for (int i = 0; i < mine.Length; i++)
                {
                    using var step = NewDisposeScope();
                    mine[i].Step(inputs[i].Pos, inputs[i].Neg);
                }
            }
            for (int i = 0; i < 3; i++) Round();
            arrived[k] = true;
            start.SignalAndWait();
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds || rounds[k] < 3)
            {
                Round();
                rounds[k]++;
            }
            elapsed[k] = sw.Elapsed.TotalSeconds;
        }
    }

    /// <summary>
    /// GFLOP/s of [2000×1000]·[1000×1000] float32 matmuls with <paramref name="threads"/> intra-op threads, on a thread that
    /// ends afterwards, so its OpenMP pool does not slow the modes measured after it (<see cref="TorchSetup.OnOneThread{T}"/>).
    /// </summary>
    static double GemmGflops(int threads, double seconds = 1.0) => TorchSetup.OnTransientThread(threads, () => MatmulRate(seconds));

    /// <summary>Aggregate GFLOP/s of <paramref name="threads"/> threads each running single-threaded matmuls at once.</summary>
    static double ConcurrentGemmGflops(int threads, double seconds = 1.0)
    {
        var rates = new double[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() => rates[i] = GemmGflops(1, seconds)) { IsBackground = true }).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        return rates.Sum();
    }

    /// <summary>GFLOP/s of [2000×1000]·[1000×1000] float32 matmuls on the calling thread, with its intra-op threads.</summary>
    static double MatmulRate(double seconds)
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(1);
        var a = randn([2000, 1000], generator: gen);
        var b = randn([1000, 1000], generator: gen);
        a.matmul(b).Dispose();
        var sw = Stopwatch.StartNew();
        int reps = 0;
        while (sw.Elapsed.TotalSeconds < seconds || reps < 3)
        {
            a.matmul(b).Dispose();
            reps++;
        }
        return 2.0 * 2000 * 1000 * 1000 * reps / sw.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>A plain-text table of the report.</summary>
    public static string Format(PipelineBenchmarkReport r)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"cores {r.Cores}; matmul [2000x1000]x[1000x1000]: {r.GemmGflops:F1} GFLOP/s all cores, {r.GemmGflopsOneThread:F1} GFLOP/s one thread; {r.Seconds:F0} s in all");
        sb.AppendLine($"{r.Cores} single-threaded matmul loops at once: {r.GemmGflopsConcurrent:F1} GFLOP/s in all = {r.EffectiveCores:F2} effective cores"
            + (r.EffectiveCores < 0.8 * r.Cores ? "  (other processes hold cores: parallel speedups are capped by this, not by the runtime)" : ""));
        int rounds = r.Rows.Count == 0 ? 0 : r.Rows.Max(row => row.Rounds);
        sb.AppendLine($"each row: {rounds} round(s) of every mode, each after measuring the matmul rate again (the better of the two all-core rates);"
            + " samples/s are each mode's median round, GFLOP/s the median rate, which the GEMM bound uses;"
            + " others / stolen: cores that other processes / the hypervisor's other guests took during the pipeline's median epoch");
        if (r.Blas.Length > 0)
            sb.AppendLine($"oneMKL: {r.Blas}");
        if (r.LoadAverage is { } load)
            sb.AppendLine($"load average before {load.Before:F2}, after {load.After:F2}");
        sb.AppendLine("layers                     batch  ref-all  ref-1t  core-1t  seq-1t  seq-all  per-layer  unshared  lanes   bf16  bf16-gain  speedup  ideal  effic.  /cores  gain  vs-ref  GFLOP/s  GEMM-bound  %bound  others  stolen  busy per layer (best)  msg s  build s  shared/b  ceiling  %ceil  free  %free  step ms per layer (alone, 1 thread)");
        foreach (var row in r.Rows)
        {
            var p = row.MedianRun(row.PipelineMode)!;
            var perLayer = row.MedianRun("pipeline")!;
            var unshared = row.MedianRun("pipeline-unshared");
            var laned = row.MedianRun($"pipeline-{r.Cores}-lanes");
            sb.AppendLine(string.Join("  ",
                $"[{string.Join(",", row.Layers)}]".PadRight(25),
                $"{row.BatchSize,5}",
                $"{(row.ReferenceLoop is { } rl ? rl.ToString("F0") : "-"),7}",
                $"{(row.ReferenceLoopOneThread is { } r1 ? r1.ToString("F0") : "-"),6}",
                $"{(row.CoreLoopOneThread is { } c ? c.ToString("F0") : "-"),7}",
                $"{row.SequentialOneThread,6:F0}",
                $"{row.SequentialAllCores,7:F0}",
                $"{perLayer.SamplesPerSecond,9:F0}",
                $"{(unshared is null ? "-" : unshared.SamplesPerSecond.ToString("F0")),8}",
                $"{(laned is null ? "-" : laned.SamplesPerSecond.ToString("F0")),5}",
                $"{(row.PipelineBf16 is { } bf ? bf.ToString("F0") : "-"),5}",
                $"{(row.Bf16Gain is { } bg ? bg.ToString("F2") : "-"),9}",
                $"{row.Speedup,7:F2}",
                $"{row.IdealSpeedup,5:F2}",
                $"{row.Efficiency,6:F2}",
                $"{row.CoreEfficiency(r.Cores),6:F2}",
                $"{row.PracticalGain,4:F2}",
                $"{(row.ReferenceGain is { } rg ? rg.ToString("F2") : "-"),6}",
                $"{row.GemmGflops,7:F1}",
                $"{row.GemmBoundSamplesPerSecond,10:F0}",
                $"{row.GemmFraction * 100,6:F0}",
                $"{(p.Cpu is { } share ? share.OtherCores.ToString("F2") : "-"),6}",
                $"{(p.Cpu is { } stolen ? stolen.StolenCores.ToString("F2") : "-"),6}",
                string.Join(" ", p.BusyFraction.Select(b => b.ToString("F2"))).PadRight(21),
                $"{p.MessagingSeconds,5:F2}",
                $"{p.BatchBuildSeconds,7:F2}",
                $"{p.ChunksSharedPerBatch,8:F2}",
                $"{row.Ceiling,7:F0}",
                $"{row.CeilingFraction * 100,5:F0}",
                $"{row.FreeRunning,5:F0}",
                $"{row.FreeRunningFraction * 100,5:F0}",
                string.Join(" ", (row.LayerStepMs ?? []).Select(ms => ms.ToString("F1")))));
        }
        return sb.ToString();
    }
}
