namespace FFActors.Cli.Experiments;

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
