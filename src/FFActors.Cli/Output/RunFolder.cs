using System.Globalization;
using System.Text;
using System.Text.Json;
using FFActors.Core.Training;

namespace FFActors.Cli.Output;

/// <summary>
/// A run's folder: resolved config, per-epoch metrics (JSON, CSV), final results, weights and a
/// chart. Every file is written atomically. A folder made or opened here is locked (<see cref="RunLock"/>)
/// until disposed, so two processes never write into one run.
/// </summary>
public sealed class RunFolder(string path, RunLock? runLock = null) : IDisposable
{
    public string Path { get; } = path;

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Makes and locks a new run folder <paramref name="name"/> in <paramref name="outDir"/>. The claim is the exclusive
    /// creation of its lock file in an empty folder, so of two runs started at once only one gets a name; with
    /// <paramref name="unique"/> (a generated name) the other takes <c>NAME-2</c>, <c>NAME-3</c>…, otherwise it is refused.
    /// </summary>
    /// <exception cref="RunFolderException">The name is not a plain folder name, or <c>run.out-dir</c> cannot be made.</exception>
    /// <exception cref="IOException">The folder exists (not <paramref name="unique"/>).</exception>
    public static RunFolder Create(string outDir, string name, bool unique = false)
    {
        CheckName(name);
        try
        {
            Directory.CreateDirectory(outDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"run.out-dir: cannot create {outDir} ({e.Message.ReplaceLineEndings(" ")})");
        }
        for (int n = 1; n < 10_000; n++)
        {
            var path = System.IO.Path.Combine(outDir, n == 1 ? name : $"{name}-{n}");
            if (!(Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any()))
            {
                Directory.CreateDirectory(path);
                if (RunLock.TryCreate(path) is { } held)
                {
                    if (Directory.EnumerateFileSystemEntries(path).All(e => System.IO.Path.GetFileName(e) == RunLock.FileName))
                        return new RunFolder(path, held);
                    held.Dispose(); // a run that ended between our look and our lock
                }
            }
            if (!unique)
                throw new IOException($"{path}: run folder already exists (choose another run.name, or continue that run with --resume {path})");
        }
        throw new RunFolderException($"{System.IO.Path.Combine(outDir, name)}: run folder already exists, and so do 9999 numbered variants");
    }

    /// <summary>An existing run folder (<c>--resume</c>), locked; a stale lock of an ended process is taken over (said through <paramref name="say"/>).</summary>
    public static RunFolder Open(string path, Action<string> say) => new(path, RunLock.Acquire(path, say));

    /// <summary><c>run.name</c> is one folder inside <c>run.out-dir</c>: no separators, no <c>..</c>, not rooted.</summary>
    static void CheckName(string name)
    {
        if (name.Length == 0 || name is "." or ".." || System.IO.Path.IsPathRooted(name) || name.IndexOfAny(['/', '\\', '\0']) >= 0)
            throw new RunFolderException($"run.name: '{name}' must be a plain folder name inside run.out-dir (no '/', '\\', '..' or absolute path)");
    }

    public void Dispose() => runLock?.Dispose();

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void WriteConfig(string hocon) => AtomicFile.WriteText(File("config.conf"), hocon);

    /// <summary>The command line that started the run, kept so that a result recorded after a resume names it.</summary>
    public const string CommandFile = "command.txt";

    /// <summary>The command that started the run (<see cref="CommandFile"/>); null for a folder written before it was kept.</summary>
    public string? StartCommand() => System.IO.File.Exists(File(CommandFile)) ? System.IO.File.ReadAllText(File(CommandFile)).Trim() : null;

    /// <summary>Writes <paramref name="name"/> in the run folder atomically.</summary>
    public void WriteText(string name, string text) => AtomicFile.WriteText(File(name), text);

    public void WriteMetrics(IReadOnlyList<EpochMetrics> metrics)
    {
        AtomicFile.WriteText(File("metrics.json"), JsonSerializer.Serialize(metrics, Json));
        AtomicFile.WriteText(File("metrics.csv"), Csv(metrics));
    }

    /// <summary>The metrics.json of the run folder <paramref name="path"/>, as <see cref="WriteMetrics"/> wrote it.</summary>
    /// <exception cref="IOException">The file is missing or not a metrics file (the message names it).</exception>
    public static IReadOnlyList<EpochMetrics> ReadMetrics(string path)
    {
        var file = System.IO.Path.Combine(path, "metrics.json");
        if (!System.IO.File.Exists(file)) throw new IOException($"{file}: not found (is {path} a run folder?)");
        try
        {
            return JsonSerializer.Deserialize<List<EpochMetrics>>(System.IO.File.ReadAllText(file), Json) ?? throw new IOException($"{file}: empty");
        }
        catch (JsonException e)
        {
            throw new IOException($"{file}: not a metrics file ({e.Message})");
        }
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
