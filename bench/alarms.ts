export async function benchAlarms(): Promise<Record<string, number>> { return {}; }
