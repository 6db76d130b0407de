using FFActors.Cli.Output;
using FFActors.Core.Data;
using FFActors.Runtime;

namespace FFActors.Cli.Experiments;

/// <summary>
/// The training run inside an arm-seed's folder. An arm-seed stopped in the middle of its training (Ctrl+C, a killed
/// process, a machine going away) leaves a run folder with checkpoints; running the experiment again continues that
/// run from its last intact checkpoint, exactly as <c>ffactors train --resume</c> would, when it was started with the
/// same configuration. Anything else the arm-seed had written is dropped and written again.
/// </summary>
static class ArmRunFolder
{
    public const string Name = "run";

    /// <summary>Empties <paramref name="folder"/> (creating it), keeping only a run started with <paramref name="config"/>.</summary>
    public static void Prepare(string folder, ArmConfig config)
    {
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            return;
        }
        bool keep = Resumable(folder, config);
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder).ToList())
        {
            if (keep && Path.GetFileName(entry) == Name) continue;
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    /// <summary>
    /// The arm-seed's run folder: the earlier run of the same configuration when its checkpoints can be resumed
    /// (<c>Resume</c> = true), otherwise a new one with the configuration written. What the resume check found
    /// (which checkpoint, or why the run starts again) goes to the run's log.
    /// </summary>
    public static (RunFolder Run, bool Resume) Open(string folder, ArmConfig config, DataSplits data)
    {
        var path = Path.Combine(folder, Name);
        if (Resumable(folder, config))
        {
            var run = RunFolder.Open(path, _ => { });
            var log = new List<string>();
            try
            {
                PipelineRunner.CheckResume(config.Config, config.Runtime, data, path, log);
                run.AppendLog(log.Count > 0 ? log : ["resume: continuing the arm-seed's run"]);
                return (run, true);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
            {
                run.AppendLog([.. log, $"resume: {e.Message.ReplaceLineEndings(" ")}; the arm-seed starts again"]);
                run.Dispose();
                Directory.Delete(path, recursive: true);
            }
        }
        var fresh = RunFolder.Create(folder, Name);
        fresh.WriteConfig(config.Render());
        return (fresh, false);
    }

    /// <summary>Whether the folder holds a checkpointed run whose recorded configuration is <paramref name="config"/>'s.</summary>
    static bool Resumable(string folder, ArmConfig config)
    {
        if (!config.Runtime.Checkpoints) return false;
        var saved = Path.Combine(folder, Name, "config.conf");
        return File.Exists(saved) && File.ReadAllText(saved) == config.Render();
    }
}
