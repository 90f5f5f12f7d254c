using System.CommandLine;
using AlpacaFarm.Host.Cli;
using AlpacaFarm.Host.Output;
using AlpacaFarm.Runner.Methods;
using AlpacaFarm.Runner.Sandbox;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm submit</c>: run a third party's method plugin in a sandboxed worker and score it as a community row.</summary>
public static class SubmitCommand
{
    /// <summary>A submission's default time limit, training and evaluation together.</summary>
    public const string DefaultTimeLimit = "6h";

    public static Command Create(CliContext cli)
    {
        var folder = new Argument<string>("PLUGIN_DIR") { Description = "The plugin's folder: plugin.json, its entry assembly and its private dependencies." };
        var method = new Option<string>("--method") { Description = "The plugin's method to run.", Required = true, HelpName = "ID" };
        var name = new Option<string?>("--name") { Description = "The rows' name before recipe and seed (NAME-RECIPE-sSEED); default PLUGIN-ID.METHOD.", HelpName = "NAME" };
        var set = new Option<string[]>("--set")
        {
            Description = "A hyperparameter override, KEY=VALUE; repeatable. Checked against the method's typed table (which the worker reports) before any work.",
            HelpName = "KEY=VALUE",
        };
        var seeds = new Option<string?>("--seeds") { Description = "Seeds to run in turn, e.g. 0,1,2, instead of --seed.", HelpName = "LIST" };
        var training = new FarmTrainingOptions();
        var budget = new Option<int>("--label-budget")
        {
            Description = "Labels the method may ask of the training pool beyond the shared pairs; the host counts them.",
            DefaultValueFactory = _ => MethodRunRequest.DefaultLabelBudget,
        };
        var limit = new Option<string?>("--time-limit")
        {
            Description = "Wall clock per seed, training and evaluation together (90s, 30m, 2h or hh:mm:ss); past it the worker is killed and the run recorded as timed out.",
            DefaultValueFactory = _ => DefaultTimeLimit,
            HelpName = "DURATION",
        };
        var memory = new Option<string>("--memory-limit")
        {
            Description = "Resident memory of the worker's processes (libtorch's included), e.g. 512M or 8G; past it the worker is killed and the run recorded as failed.",
            DefaultValueFactory = _ => "8G",
            HelpName = "SIZE",
        };
        var trust = new Option<bool>("--trust") { Description = "Run the worker without a sandbox (where none can be made); recorded on the row." };
        var split = new Option<string>("--eval-split") { Description = "eval: the fixed eval-805; validation: the farm's validation split, on its own board.", DefaultValueFactory = _ => MethodRunRequest.Eval };
        split.AcceptOnlyFromAmong([.. MethodRunRequest.EvalSplits]);
        var replace = new Option<bool>("--replace") { Description = "Replace a row of the same name that another run stored." };
        var format = new Option<string>("--format") { Description = "The closing table as table, json, md or csv.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md", "csv");
        var command = new Command("submit",
            "Run a method plugin that this host does not trust, as a third party submits it: the folder is checked (manifest, contract and SDK versions, " +
            "sizes), then the method runs in a worker process (src/Worker) inside a bubblewrap sandbox: no network, an empty environment, private /tmp, " +
            "/proc and /dev, and only the .NET runtime, the worker, the plugin and the run's SFT policy, reward model and pairs mounted read-only, its " +
            "work folder writable. Labels come through the host, which keeps the budget; after the method returns, the host hands its policy the " +
            "evaluation's instructions and scores the outputs itself. Rows are named NAME-RECIPE-sSEED and marked community; a killed or failed " +
            "worker is recorded with its reason and stores no row. For a community board that a copy of the public eval-805 or gold cannot game, " +
            "submit into a home with a hidden world (farm hide). Exits 1 when the run fails, 2 when the command line or the folder is refused.")
        {
            folder, method, name, set, seeds, training.Recipe, training.Seed, training.Threads, training.Device, training.Precision, budget, limit, memory, trust,
            split, replace, format,
        };
        command.Validators.Add(result =>
        {
            RunCommand.ValidateShared(result, limit, budget, seeds, training.Seed);
            if (result.GetValue(memory) is { } size && (ByteSizes.Parse(size) is not { } bytes || bytes < 64L << 20))
                result.AddError($"--memory-limit '{size}' is not a size of at least 64M such as 512M or 8G.");
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in result.GetValue(set) ?? [])
            {
                var equals = item.IndexOf('=');
                if (equals <= 0) result.AddError($"--set '{item}' is not KEY=VALUE.");
                else if (!keys.Add(item[..equals])) result.AddError($"--set gives {item[..equals]} twice: give it once.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = (parse.GetValue(set) ?? []).ToDictionary(item => item[..item.IndexOf('=')], item => item[(item.IndexOf('=') + 1)..], StringComparer.Ordinal);
            var submission = new Submission(parse.GetValue(folder)!, parse.GetValue(method)!, parse.GetValue(name), overrides, ByteSizes.Parse(parse.GetValue(memory)!)!.Value);
            var request = new MethodRunRequest([submission.MethodId], new Dictionary<string, IReadOnlyDictionary<string, string>>(),
                parse.GetValue(training.Seed), parse.GetValue(training.Recipe)!, training.Compute(parse), parse.GetValue(budget),
                DurationText.Parse(parse.GetValue(limit)!), [], parse.GetValue(trust), parse.GetValue(split)!, parse.GetValue(replace), submission);
            return await RunCommand.RunAndPrintAsync(cli, parse, request, seeds, training.Seed, parse.GetValue(format)!, cancellationToken);
        });
        return command;
    }
}
