using Akka.Configuration;

namespace FFActors.Cli.Configuration;

/// <summary>A merged configuration and, for each key the user set, where it was set (file or --set).</summary>
public sealed record LoadedConfig(Config Hocon, IReadOnlyDictionary<string, string> Origins)
{
    /// <summary>Where <paramref name="key"/>'s value came from: the user's file, a --set, or the reference defaults.</summary>
    public string OriginOf(string key) => Origins.TryGetValue(key, out var o) ? o : "hocon/ffactors.conf";
}
