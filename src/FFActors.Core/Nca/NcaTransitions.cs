using FFActors.Core.Data;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Nca;

/// <summary>
/// The automaton's learning data: real transitions of the teacher's trajectories. A sample is one active cell at one
/// step of a trajectory grown from the seed with stochastic firing: its 3×3 perception (after the overlay's label slots)
/// and, as its label, the state the teacher gives it. With wrong-label negatives, FF's negatives are the same
/// perceptions paired with a wrong next state, among them the wrong-step ones (the cell's state one ring earlier or
/// later, or staying empty).
/// </summary>
/// <param name="Size">Grid side.</param>
/// <param name="Radius">Outermost ring of the target (<see cref="RingCells"/>).</param>
/// <param name="FireRate">Probability that an active cell updates in a step.</param>
/// <param name="Steps">Steps of each trajectory (and of the grown pattern).</param>
/// <param name="TrainTrajectories">Trajectories whose transitions are the training set.</param>
/// <param name="TestTrajectories">Further trajectories, from other random streams, whose transitions are the test set.</param>
public sealed record NcaOptions(int Size = 32, int Radius = 8, double FireRate = 0.5, int Steps = 40, int TrainTrajectories = 12, int TestTrajectories = 3)
{
    public static readonly DatasetInfo Info = new("nca-rings", "", 0, 1, RingCells.MaxStates, 0);

    /// <summary>Inputs per sample: the label slots, then 9 cells × 13 channels.</summary>
    public static int Features => RingCells.MaxStates + 9 * RingCells.Channels;

    public void Check()
    {
        _ = new RingCells(Radius);
        if (Size < 2 * Radius + 3) throw new ArgumentException($"nca: a {Size}x{Size} grid cannot hold rings of radius {Radius} with a border");
        if (!(FireRate > 0 && FireRate <= 1)) throw new ArgumentException($"nca: fire rate {FireRate} must be in (0, 1]");
        if (Steps < 1 || TrainTrajectories < 1 || TestTrajectories < 1) throw new ArgumentException("nca: steps and trajectories must be at least 1");
    }
}

public static class NcaTransitions
{
    /// <summary>Train and test transitions; trajectory k fires from <see cref="FiringOrder"/>(<paramref name="seed"/>, k).</summary>
    public static DataSplits Build(NcaOptions o, long seed, Device? device = null)
    {
        o.Check();
        var train = Collect(o, Enumerable.Range(0, o.TrainTrajectories).Select(k => FiringOrder(seed, k)), "nca-rings-train");
        var test = Collect(o, Enumerable.Range(o.TrainTrajectories, o.TestTrajectories).Select(k => FiringOrder(seed, k)), "nca-rings-test");
        return device is null ? new DataSplits(NcaOptions.Info, train, null, test)
            : new DataSplits(NcaOptions.Info, Move(train, device), null, Move(test, device));
    }

    static Dataset Move(Dataset d, Device device)
    {
        using (d) return d.To(device);
    }

    /// <summary>The firing order of trajectory <paramref name="k"/> of a run: its own stream of the run seed.</summary>
    public static Random FiringOrder(long seed, int k) => new((int)(SeedStreams.Derive(seed, SeedStreams.Growth, k) & int.MaxValue));

    static Dataset Collect(NcaOptions o, IEnumerable<Random> streams, string name)
    {
        var features = new List<Tensor>();
        var labels = new List<long>();
        var teacher = NcaGrowth.Teacher(o.Radius);
        foreach (var fire in streams)
        {
            // Every step's active cells, whether or not they fire: the teacher's answer is what a cell becomes when it does.
            foreach (var g in NcaGrowth.Grow(NcaGrid.Seed(o.Size), teacher, o.Steps, o.FireRate, fire).SkipLast(1))
            {
                var cells = g.ActiveCells();
                features.Add(g.Perception(cells, RingCells.MaxStates));
                labels.AddRange(teacher(g, cells).Select(v => (long)v));
            }
        }
        var x = cat(features, 0);
        foreach (var f in features) f.Dispose();
        return new Dataset(name, x, tensor(labels.ToArray()));
    }
}
