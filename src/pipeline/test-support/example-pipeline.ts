/** The pipeline of the format's documentation (README, issue), used by several tests as the baseline. */
export const EXAMPLE_PIPELINE = `name: Build and Deploy
trigger: { branches: [main, 'release/*'], paths: ['src/**'] }
env: { NODE_ENV: test }
stages:
  - name: build
    steps:
      - { name: checkout, uses: git-checkout }
      - { name: install, run: npm ci }
      - { name: test, run: npm test, timeout: 10m, retry: 1 }
  - name: deploy
    needs: [build]
    environment: production
    steps:
      - { name: deploy, run: ./deploy.sh }
`;
