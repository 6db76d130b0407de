namespace FFActors.Cli.Experiments;

/// <summary>A loaded, validated experiment: arms × seeds, with the settings every arm shares.</summary>
/// <param name="File">The experiment file as given.</param>
/// <param name="BaseFile">Train config under every arm (resolved path), or null for the reference defaults.</param>
/// <param name="Sets">--set overrides given on the command line (already part of every arm's overrides).</param>
/// <param name="OutDir">The results folder of this experiment (already including the name).</param>
public sealed record ExperimentSpec(
    string File,
    string Name,
    string Description,
    string? BaseFile,
    IReadOnlyList<long> Seeds,
    int Parallel,
    string OutDir,
    bool Quick,
    IReadOnlyList<ArmSpec> Arms,
    TransferSpec Transfer,
    EmbeddingSpec Embedding,
    IReadOnlyList<string>? Sets = null)
{
    public bool HasFeatureArms => Arms.Any(a => !a.IsTrain);
}
