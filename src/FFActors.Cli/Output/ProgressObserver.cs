using FFActors.Core.Layers;
using System.Diagnostics;
using System.Globalization;
using FFActors.Core.Training;
using Spectre.Console;

namespace FFActors.Cli.Output;

/// <summary>
/// Renders training progress: a live bar per phase on a terminal (samples/s, loss and per-layer
/// goodness of positives vs negatives), or one line per epoch when output is redirected.
/// </summary>
public sealed class ProgressObserver : ITrainingObserver
{
    readonly ProgressContext? context;
    ProgressTask? task;
    readonly Stopwatch sinceUpdate = Stopwatch.StartNew();
    readonly Stopwatch phaseClock = new();
    long phaseSamples;
    IReadOnlyList<(int Layer, LayerStepStats Stats)> last = [];
    string title = "";

    public ProgressObserver(ProgressContext? context) => this.context = context;

    public void PhaseStarted(string title, long samples)
    {
        this.title = title;
        phaseSamples = 0;
        phaseClock.Restart();
        if (context is not null)
        {
            if (task is not null) task.StopTask();
            task = context.AddTask(Markup.Escape(title), maxValue: samples);
        }
    }

    public void BatchCompleted(int samples, IReadOnlyList<(int Layer, LayerStepStats Stats)> stats)
    {
        phaseSamples += samples;
        last = stats;
        if (task is null) return;
        task.Increment(samples);
        if (sinceUpdate.ElapsedMilliseconds < 250) return;
        sinceUpdate.Restart();
        task.Description = Markup.Escape($"{title} {Rate():F0}/s {Layers(stats)}");
    }

    public void EpochCompleted(EpochMetrics m)
    {
        var c = CultureInfo.InvariantCulture;
        var val = m.ValidationAccuracy is { } v ? string.Create(c, $" val {v:P2}") : "";
        var layers = string.Join("  ", m.Layers.Select(l => string.Create(c, $"L{l.Layer} loss {l.Loss:G4} g+ {l.GoodPos:G4} g- {l.GoodNeg:G4} sep {l.Separation:P1}")));
        var line = string.Create(c, $"epoch {m.Epoch}{(m.Phase > 0 || m.Layers.Count == 1 ? $" (layer {m.Phase})" : "")}: {m.Seconds:F1}s {m.SamplesPerSecond:F0} samples/s  {layers}{val}");
        if (context is null)
            Console.WriteLine(line);
        else if (task is not null)
            task.Description = Markup.Escape($"{title} {m.SamplesPerSecond:F0}/s {Layers(last)}{val}");
    }

    double Rate() => phaseSamples / Math.Max(1e-9, phaseClock.Elapsed.TotalSeconds);

    static string Layers(IReadOnlyList<(int Layer, LayerStepStats Stats)> stats) =>
        string.Join(" ", stats.Select(s => string.Create(CultureInfo.InvariantCulture, $"L{s.Layer} loss {s.Stats.Loss:G3} g+/g- {s.Stats.GoodPos:G3}/{s.Stats.GoodNeg:G3}")));
}
