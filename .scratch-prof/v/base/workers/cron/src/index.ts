/**
 * @module
 * The cron Worker. It has no jobs yet; each job will be one file under src/jobs/, run from here.
 */
export default {
  async scheduled(controller: ScheduledController): Promise<void> {
    console.log(JSON.stringify({ event: "cron_tick", cron: controller.cron, jobs: 0 }));
  },
} satisfies ExportedHandler;
