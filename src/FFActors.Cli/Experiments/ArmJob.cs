namespace FFActors.Cli.Experiments;

/// <summary>One arm × seed of an experiment and its folder (out/arms/ARM/seed-S).</summary>
public sealed record ArmJob(ArmSpec Arm, long Seed, string Folder)
{
    public string Label => $"{Arm.Name} seed {Seed}";
}
