using System.Text.Json;

namespace FFActors.Benchmarks;

/// <summary>The reports as JSON (<c>--json FILE</c>): indented, with the load average's (before, after) pair as its fields.</summary>
public static class BenchmarkJson
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, IncludeFields = true };

    public static string Serialize<T>(T report) => JsonSerializer.Serialize(report, Options);

    /// <summary>A report read back, e.g. to compare two runs.</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"not a {typeof(T).Name}: the JSON is null");
}
