namespace FFActors.Cli.Configuration;

/// <summary>
/// A configuration problem. The message is one line: where the value came from (file, --set or
/// command-line option), the key, and what is wrong. <see cref="Key"/> carries the key as data, so
/// callers and tests never read it back out of the text; it is null for problems of a whole file
/// (not found, not HOCON) that no single key owns.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>A problem of a whole file or argument, not of one key.</summary>
    public ConfigException(string message) : base(message) => Origin = "";

    /// <summary>A problem of one key whose message has its own shape (an unknown key and its suggestion).</summary>
    public ConfigException(string message, string key) : base(message) => (Origin, Key) = ("", key);

    /// <param name="origin">Where the key was set (a file, "--set key=value", an option); "" = nowhere to name.</param>
    /// <param name="key">The full HOCON path of the offending key.</param>
    /// <param name="problem">What is wrong, naming the value.</param>
    public ConfigException(string origin, string key, string problem)
        : base(origin.Length > 0 ? $"{origin}: {key}: {problem}" : $"{key}: {problem}")
    {
        (Origin, Key, Problem) = (origin, key, problem);
    }

    public string Origin { get; }

    public string? Key { get; }

    public string? Problem { get; }
}
