namespace FFActors.Core.Training;

/// <summary>
/// The epochs [Start, End) in which a layer learns (CwC-FF's intra-layer training schedule, ILT);
/// outside the window the layer only forwards, with its weights and statistics frozen.
/// </summary>
public readonly record struct EpochWindow(int Start, int End)
{
    public bool Contains(int epoch) => epoch >= Start && epoch < End;
}
