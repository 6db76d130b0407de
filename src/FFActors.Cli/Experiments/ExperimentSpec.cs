using FFActors.Core.Baselines;
using FFActors.Core.Evaluation;

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

/// <summary>One arm of an experiment.</summary>
/// <param name="Name">Unique within the experiment; also its folder name (after <see cref="FolderName"/>).</param>
/// <param name="Kind"><c>train</c> or a feature-arm kind of <see cref="FeatureArms"/>.</param>
/// <param name="Overrides">Train-config overrides (key=value) in the order applied: experiment.set, then the arm's own.</param>
/// <param name="Own">The arm's own overrides (key=value), shown in the table.</param>
public sealed record ArmSpec(string Name, string Kind, IReadOnlyList<string> Overrides, IReadOnlyList<string> Own, string Note)
{
    public bool IsTrain => Kind == TrainKind;

    public const string TrainKind = "train";

    public string FolderName => new(Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '=' or ',' ? c : '_').ToArray());
}

/// <summary>One arm × seed of an experiment and its folder (out/arms/ARM/seed-S).</summary>
public sealed record ArmJob(ArmSpec Arm, long Seed, string Folder)
{
    public string Label => $"{Arm.Name} seed {Seed}";
}

/// <summary>The transfer protocol's settings (experiment.transfer).</summary>
/// <param name="Layers">Layers concatenated for the "all layers" feature set; null = every layer.</param>
/// <param name="Rbm">How the rbm-features arms' RBMs learn (CD-k).</param>
public sealed record TransferSpec(string Target, int Validation, int TrainLimit, int TestLimit, int[]? Layers, ProbeBudget Probe, BackpropOptions Backprop,
    RbmOptions Rbm)
{
    public override string ToString() =>
        $"target {Target}, validation {Validation}, train-limit {TrainLimit}, test-limit {TestLimit}, layers [{(Layers is null ? "all" : string.Join(",", Layers))}], probe {Probe}, backprop {Backprop}, rbm {Rbm}";
}

/// <summary>The 2-D embedding figure's settings (experiment.embedding).</summary>
/// <param name="Method">none, pca or tsne.</param>
/// <param name="Arms">Arms to embed; empty = every feature arm.</param>
/// <param name="Features">last or all.</param>
public sealed record EmbeddingSpec(string Method, IReadOnlyList<string> Arms, string Features, int Samples, double Perplexity, int Iterations)
{
    public bool Enabled => Method != "none";

    public bool Includes(ArmSpec arm) => Enabled && !arm.IsTrain && (Arms.Count == 0 || Arms.Contains(arm.Name));
}
