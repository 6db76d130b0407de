namespace FFActors.Cli.Output;

/// <summary>A run folder that cannot be used (taken, locked, outside run.out-dir); the message is one line naming it.</summary>
public sealed class RunFolderException(string message) : IOException(message);
