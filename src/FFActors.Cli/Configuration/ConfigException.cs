namespace FFActors.Cli.Configuration;

/// <summary>A configuration problem; the message is one line naming the key (and file when known).</summary>
public sealed class ConfigException(string message) : Exception(message);
