using System.Globalization;
using System.Text;
using System.Text.Json;
using FFActors.Core.Training;

namespace FFActors.Cli.Output;

/// <summary>
/// A run's folder: resolved config, per-epoch metrics (JSON, CSV), final results, weights and a
/// chart. Every file is written atomically.
/// </summary>
public sealed class RunFolder(string path)
{
    public string Path { get; } = path;

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static RunFolder Create(string outDir, string name)
    {
        var path = System.IO.Path.Combine(outDir, name);
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
            throw new IOException($"{path}: run folder already exists (choose another run.name)");
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void WriteConfig(string hocon) => AtomicFile.WriteText(File("config.conf"), hocon);

    public void WriteMetrics(IReadOnlyList<EpochMetrics> metrics)
    {
        AtomicFile.WriteText(File("metrics.json"), JsonSerializer.Serialize(metrics, Json));
        AtomicFile.WriteText(File("metrics.csv"), Csv(metrics));
    }

    /// <summary>Appends run-log lines (faults, restores, resumes, stops) to run.log.</summary>
    public void AppendLog(IEnumerable<string> lines) =>
        System.IO.File.AppendAllLines(File("run.log"), lines.Select(l => $"{DateTime.Now:O} {l}"));

    public void WriteResults(object results) => AtomicFile.WriteText(File("results.json"), JsonSerializer.Serialize(results, Json));

    public void WriteWeights(FFNetwork net)
    {
        var dir = File("weights");
        Directory.CreateDirectory(dir);
        foreach (var layer in net.Layers)
        {
            // Module.save closes the stream it is given, so serialise to memory first.
            var buffer = new MemoryStream();
            layer.Module.save(buffer);
            var bytes = buffer.ToArray();
            AtomicFile.Write(System.IO.Path.Combine(dir, $"layer{layer.Spec.Index}.pt"), s => s.Write(bytes));
        }
    }

    public static string Csv(IReadOnlyList<EpochMetrics> metrics)
    {
        var layers = metrics.SelectMany(m => m.Layers.Select(l => l.Layer)).Distinct().Order().ToArray();
        var sb = new StringBuilder("epoch,phase,seconds,samples_per_s,validation_accuracy");
        foreach (var l in layers) sb.Append($",loss_{l},good_pos_{l},good_neg_{l},separation_{l},dead_{l},lr_{l}");
        // End-of-epoch diagnostics on a fixed batch (eval.diagnostics), when measured.
        var diagLayers = metrics.SelectMany(m => m.Diagnostics?.Select(d => d.Layer) ?? []).Distinct().Order().ToArray();
        foreach (var l in diagLayers) sb.Append($",diag_separation_{l},diag_dead_{l},diag_saturated_{l}");
        sb.AppendLine();
        var c = CultureInfo.InvariantCulture;
        foreach (var m in metrics)
        {
            sb.Append(c, $"{m.Epoch},{m.Phase},{m.Seconds:F3},{m.SamplesPerSecond:F1},{m.ValidationAccuracy?.ToString("F4", c) ?? ""}");
            foreach (var l in layers)
            {
                var s = m.Layers.FirstOrDefault(x => x.Layer == l);
                sb.Append(s is null ? ",,,,,," : string.Create(c, $",{s.Loss:G6},{s.GoodPos:G6},{s.GoodNeg:G6},{s.Separation:F4},{s.DeadUnits:F4},{s.LearningRate:G4}"));
            }
            foreach (var l in diagLayers)
            {
                var d = m.Diagnostics?.FirstOrDefault(x => x.Layer == l);
                sb.Append(d is null ? ",,," : string.Create(c, $",{d.Separation:F4},{d.DeadUnits:F4},{d.SaturatedUnits:F4}"));
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
