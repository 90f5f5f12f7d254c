using System.CommandLine;
using AlpacaFarm.Application.Info;
using AlpacaFarm.Host.Cli;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AlpacaFarm.Host.Commands;

/// <summary><c>alpacafarm info</c>: versions, compute, native patch status, home directory, farm world, sandbox.</summary>
public static class InfoCommand
{
    public static Command Create(CliContext cli)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("info", "Show versions (project, .NET, TorchSharp, libtorch), the processor and the kernels libtorch may use on it (float " +
            "results differ in their last bits between processors), threads, device, the native patch status, the home directory, its farm world " +
            "(public or hidden) and what submit can do here (the sandbox, and what holds a worker to its memory limit).")
        {
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = cli.BuildServices(parse);
            var info = await services.GetRequiredService<IMediator>().Send(new GetSystemInfo(), cancellationToken);
            if (parse.GetValue(json)) cli.Console.WriteJson(info);
            else Render(info, cli.Console.Ansi);
            return 0;
        });
        return command;
    }

    private static void Render(SystemInfo info, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("item").AddColumn("value");
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("alpacafarm", info.ProjectVersion);
        Row(".NET", info.DotnetVersion);
        Row("OS", $"{info.OperatingSystem} ({info.ProcessArchitecture}, {info.LogicalProcessors} logical processors)");
        Row("processor", info.Processor.ToString());
        Row("TorchSharp", info.Torch.TorchSharpVersion);
        Row("libtorch", info.Torch.LibTorchVersion);
        Row("threads", $"{info.Torch.Threads} intra-op, {info.Torch.InteropThreads} inter-op");
        Row("device", info.Torch.CudaAvailable ? $"{info.Device} ({info.Torch.CudaDevices} CUDA devices)" : info.Device);
        Row("native patch", info.NativePatch.Library is null
            ? info.NativePatch.State
            : $"{info.NativePatch.State} ({info.NativePatch.Library})");
        Row("home", $"{info.Home} (from {info.HomeSource})");
        Row("farm world", info.FarmWorld);
        Row("submit", info.Submissions.Sandbox is { } sandbox
            ? $"{sandbox}; memory limit by {info.Submissions.MemoryLimitBy}"
            : $"no sandbox: {info.Submissions.Unavailable}");
        console.Write(table);
    }
}
