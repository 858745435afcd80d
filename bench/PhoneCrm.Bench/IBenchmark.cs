namespace PhoneCrm.Bench;

public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task RunAsync();
}
