using System.Text.Json;
using System.Text.Json.Serialization;
using FFActors.Cli.Output;

namespace FFActors.Cli.Report;

/// <summary>
/// A committed result (<c>results/&lt;topic&gt;/&lt;name&gt;.json</c>): how it was measured (the
/// exact commands, the configuration, the build and the machine of every invocation) and what it
/// measured (per-seed figures of each row and their mean ± sample standard deviation). Every number
/// the docs report is rendered from these files by <c>ffactors report</c>.
/// </summary>
public sealed record ResultFile
{
    public const int CurrentFormat = 1;
    public const string TrainKind = "train";
    public const string ExperimentKind = "experiment";
    public const string BenchmarkKind = "benchmark";

    public int Format { get; init; } = CurrentFormat;
    /// <summary><see cref="TrainKind"/> (one row, one seed per <c>train --result</c>), <see cref="ExperimentKind"/> (a row per arm) or
    /// <see cref="BenchmarkKind"/> (a row per measured configuration of <c>ffactors bench</c>).</summary>
    public required string Kind { get; init; }
    public required string Title { get; init; }
    /// <summary>What a reader must know to read the figures (e.g. that wall times come from a shared machine).</summary>
    public string Note { get; init; } = "";
    /// <summary>The configuration the figures come from: the resolved HOCON of a train run (run.seed, run.name and
    /// run.out-dir vary per invocation), or the experiment file.</summary>
    public required IReadOnlyList<string> Config { get; init; }
    public required IReadOnlyList<Invocation> Invocations { get; init; }
    public required IReadOnlyList<ResultRow> Rows { get; init; }

    /// <summary>Every seed any row was measured with, in order.</summary>
    [JsonIgnore]
    public IReadOnlyList<long> Seeds => Rows.SelectMany(r => r.Seeds.Select(s => s.Seed)).Distinct().Order().ToList();

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Commands and configs are read by people: keep + " ' < > as themselves.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <exception cref="IOException">The file is not a result file this build can read (the message names it).</exception>
    public static ResultFile Read(string path)
    {
        ResultFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ResultFile>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new IOException($"{path}: not a result file ({e.Message})");
        }
        if (file is null) throw new IOException($"{path}: empty result file");
        if (file.Format != CurrentFormat) throw new IOException($"{path}: result format {file.Format}, this build reads format {CurrentFormat}");
        return file;
    }

    public void Write(string path) => AtomicFile.WriteText(path, JsonSerializer.Serialize(this, Json) + "\n");
}

/// <summary>One command that contributed figures to a result file.</summary>
/// <param name="Seeds">The seeds this invocation measured.</param>
public sealed record Invocation(string Command, string Version, string Commit, DateTime Finished, MachineFacts Machine, IReadOnlyList<long> Seeds);

/// <summary>One line of a results table: a configuration measured over one or more seeds.</summary>
/// <param name="Overrides">What distinguishes this row from the file's configuration (experiment arms).</param>
public sealed record ResultRow(string Name, IReadOnlyList<string> Overrides, IReadOnlyList<SeedFigures> Seeds)
{
    /// <summary>Mean ± sample standard deviation (n − 1) of each figure over the seeds that have it.</summary>
    public IReadOnlyDictionary<string, Spread> Summary =>
        Seeds.SelectMany(s => s.Figures.Keys).Distinct().Order(StringComparer.Ordinal)
            .ToDictionary(k => k, k => Spread.Of(Seeds.Where(s => s.Figures.TryGetValue(k, out var v) && v is not null).Select(s => s.Figures[k]!.Value)));
}

/// <summary>The figures one seed produced (accuracies as fractions, times in seconds); null = not measured.</summary>
/// <param name="Curves">Per-epoch series of a train run (<c>validation_accuracy</c>, <c>epoch_seconds</c>), one value per
/// epoch; null when the run recorded none (no validation split).</param>
public sealed record SeedFigures(long Seed, IReadOnlyDictionary<string, double?> Figures, IReadOnlyDictionary<string, IReadOnlyList<double>>? Curves = null)
{
    /// <summary>The per-epoch series of a train run's metrics worth a result file: the validation accuracy after each epoch
    /// and the epoch's wall time, when the run validated every epoch; null otherwise.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<double>>? CurvesOf(IReadOnlyList<Core.Training.EpochMetrics> metrics)
    {
        // A greedy run's rows are epochs of one layer after another: not one curve.
        if (metrics.Count == 0 || metrics.Any(m => m.ValidationAccuracy is null) || metrics.Select(m => m.Phase).Distinct().Count() > 1) return null;
        return new Dictionary<string, IReadOnlyList<double>>
        {
            [ValidationCurve] = metrics.Select(m => m.ValidationAccuracy!.Value).ToList(),
            [EpochSecondsCurve] = metrics.Select(m => m.Seconds).ToList(),
        };
    }

    public const string ValidationCurve = "validation_accuracy";
    public const string EpochSecondsCurve = "epoch_seconds";
}

/// <summary>Mean and sample standard deviation (n − 1; 0 for a single value) of <paramref name="N"/> values.</summary>
public sealed record Spread(double Mean, double Sd, int N)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Length == 0 ? double.NaN : v.Average();
        double sd = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new Spread(mean, sd, v.Length);
    }
}
