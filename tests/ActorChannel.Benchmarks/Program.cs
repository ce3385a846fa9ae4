if (args.Length > 0 && args[0] == "transport")
{
    return await ActorChannel.Benchmarks.Transport.TransportBenchmark.RunAsync(args[1..]);
}

System.Console.WriteLine("bench");
return 0;
