import { PageHeader } from '../../../components/Layout';
export default function EpicOutcomePage() {
  return <PageHeader title="EpicOutcomePage" />;
}
