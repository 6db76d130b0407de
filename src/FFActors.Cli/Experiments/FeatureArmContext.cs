using FFActors.Core.Data;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Cli.Experiments;

/// <summary>What a feature arm's factory gets: the arm-seed's configuration, its folder, and the source data (loaded on first use).</summary>
public sealed record FeatureArmContext(
    ExperimentSpec Spec,
    ArmSpec Arm,
    ArmConfig Config,
    string Folder,
    Device Device,
    Func<DataSplits> Source,
    ITrainingObserver Observer,
    CancellationToken Cancel);
