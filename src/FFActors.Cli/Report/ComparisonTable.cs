using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FFActors.Cli.Report;

/// <summary>
/// A table that sets figures quoted from elsewhere (e.g. a study being reproduced) beside figures of our result files.
/// The page names one table of a comparison file: <c>&lt;!-- report docs/comparisons/FILE.json#TABLE --&gt;</c>.
/// The comparison file holds what a reader must be told in words (the quoted figure, the protocol, why the two differ);
/// every measured figure is read from the result file and arm the row names, as the mean ± sample sd over its seeds,
/// with the command that wrote it. A row whose result file does not exist (yet) says "not measured".
/// </summary>
public static class ComparisonTable
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>Whether a report region's target names a table of a comparison file (FILE.json#TABLE).</summary>
    public static bool Names(string target) => target.Contains('#');

    /// <exception cref="IOException">The comparison file, its table, a row's arm or figure cannot be found.</exception>
    public static string Render(string root, string target, Func<string, string> link)
    {
        var (file, table) = (target[..target.IndexOf('#')], target[(target.IndexOf('#') + 1)..]);
        var path = Path.Combine(root, file);
        if (!File.Exists(path)) throw new IOException($"{file}: named by a report region but not found under {root}");
        ComparisonFile spec;
        try { spec = JsonSerializer.Deserialize<ComparisonFile>(File.ReadAllText(path), Json) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new IOException($"{file}: not a comparison file ({e.Message})", e); }
        if (!spec.Tables.TryGetValue(table, out var rows))
            throw new IOException($"{target}: {file} has no table '{table}' (its tables: {string.Join(", ", spec.Tables.Keys)})");

        var sb = new StringBuilder();
        sb.AppendLine("| row | seed said | we measured | protocol | why they differ | command |");
        sb.AppendLine("|---|---:|---:|---|---|---|");
        foreach (var row in rows)
        {
            var (measured, command) = Measured(root, target, row, link);
            sb.AppendLine(C, $"| {row.Row} | {row.Seed} | {measured} | {row.Protocol} | {row.Why} | {command} |");
        }
        return sb.ToString();
    }

    static (string Measured, string Command) Measured(string root, string target, ComparisonRow row, Func<string, string> link)
    {
        if (row.Result is null) return ("not measured", "–");
        var path = Path.Combine(root, row.Result);
        if (!File.Exists(path)) return ("not measured", "–");
        var file = ResultFile.Read(path);
        var arm = row.Arm is null ? file.Rows[0] : file.Rows.FirstOrDefault(r => r.Name == row.Arm)
            ?? throw new IOException($"{target}: row '{row.Row}': {row.Result} has no arm '{row.Arm}' (its arms: {string.Join(", ", file.Rows.Select(r => r.Name))})");
        // Figure and Label may name several figures, comma-separated ("goodness,head"), shown one per line.
        var labels = (row.Label ?? "").Split(',');
        var shown = row.Figure.Split(',').Select((key, i) =>
        {
            if (!arm.Summary.TryGetValue(key.Trim(), out var s) || s.N == 0 || double.IsNaN(s.Mean))
                throw new IOException($"{target}: row '{row.Row}': arm '{arm.Name}' of {row.Result} has no figure '{key.Trim()}'");
            string figure = row.Percent
                ? s.N < 2 ? string.Create(C, $"{s.Mean * 100:F2} % (n = 1)") : string.Create(C, $"{s.Mean * 100:F2} ± {s.Sd * 100:F2} % (n = {s.N})")
                : s.N < 2 ? string.Create(C, $"{s.Mean:G4} (n = 1)") : string.Create(C, $"{s.Mean:G4} ± {s.Sd:G2} (n = {s.N})");
            string label = i < labels.Length && labels[i].Trim() is { Length: > 0 } l ? $"{l}: " : "";
            return label + figure;
        });
        return (string.Join("<br>", shown), $"{ResultTables.Commands(file)} ([{Path.GetFileName(row.Result)}]({link(row.Result)}))");
    }
}

/// <summary>A comparison file: named tables of rows.</summary>
public sealed record ComparisonFile(IReadOnlyDictionary<string, IReadOnlyList<ComparisonRow>> Tables);

/// <param name="Row">What the row is (the quoted study's name for it).</param>
/// <param name="Seed">The quoted figure, as quoted.</param>
/// <param name="Result">Our result file (repository path); null when the row was not measured.</param>
/// <param name="Arm">The arm (row) of the result file; null = its first row (a train result).</param>
/// <param name="Figure">The figure of the arm's summary (e.g. goodness, head, probe_all); several comma-separated.</param>
/// <param name="Label">Said before each figure (e.g. the readout), comma-separated like <paramref name="Figure"/>; optional.</param>
/// <param name="Percent">Whether the figure is a fraction shown in percent.</param>
public sealed record ComparisonRow(string Row, string Seed, string? Result, string? Arm, string Figure, string Protocol, string Why,
    string? Label = null, bool Percent = true);
