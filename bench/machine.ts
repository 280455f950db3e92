// What the figures were measured on: they only mean something next to the machine and the date.
import { cpus, totalmem, release, platform } from "node:os";

export interface MachineInfo { cpuModel: string; cores: number; memoryGiB: number; os: string; node: string; date: string }

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}
